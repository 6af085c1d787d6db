// The exception for a child that could not be started, the same from both ways of starting one: the
// error names the command and says why in words, and its type says what kind of failure it was, as
// .NET's file APIs do (a missing file is a FileNotFoundException, a denied one an
// UnauthorizedAccessException); other errors are a Win32Exception with the errno, as Process.Start
// raises them.
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Coop.Processes;

internal static class SpawnError
{
    public static Exception For(int errno, LaunchSpec spec) => errno switch
    {
        Posix.ENoEnt => new FileNotFoundException(
            $"Cannot start '{spec.Command}': {spec.Path}, or the interpreter its #! line names, does not exist.", spec.Path),
        Posix.EAcces => new UnauthorizedAccessException(
            $"Cannot start '{spec.Command}': permission denied for {spec.Path} (is it executable, and its directory searchable?)."),
        Posix.ENoExec => new Win32Exception(errno, $"Cannot start '{spec.Command}': {spec.Path} is not in a format this system can execute."),
        _ => new Win32Exception(errno, $"Cannot start '{spec.Command}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})."),
    };
}
