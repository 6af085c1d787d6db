// The calling thread's current ExecutionContext, read from Thread's own field. A task step needs to
// know whether the step changed it (an AsyncLocal was set); ExecutionContext.Capture() would answer
// through a thread-static read on the runtime's slow path, a large share of a task switch
// (docs/design.md, "Each task has its own ExecutionContext"), where the field read is one load. If a
// runtime has no such field, Readable is false and the loop gives tasks no contexts of their own.
using System.Runtime.CompilerServices;

namespace Coop.Core;

internal static class ExecutionContextSlot
{
    /// <summary>True if the field can be read on this runtime.</summary>
    public static bool Readable { get; } = Probe();

    /// <summary>The current context of <paramref name="thread"/>, which must be the calling thread:
    /// null while it runs in the default context.</summary>
    public static ExecutionContext? Read(Thread thread) => Field(thread);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_executionContext")]
    private static extern ref ExecutionContext? Field(Thread thread);

    private static bool Probe()
    {
        try
        {
            _ = Field(Thread.CurrentThread);
            return true;
        }
        catch (MissingFieldException)
        {
            return false;
        }
    }
}
