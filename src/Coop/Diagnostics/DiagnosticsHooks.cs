// How the loop reaches its diagnostics without naming them: the kernel calls EventLoop.OnCreated for
// every new loop (a kernel hook that names nothing above it), and this module initializer sets it when
// the runtime's assembly loads. Each loop is registered for the metrics, and one built in debug mode
// gets its debugger.
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Coop.Diagnostics;

internal static class DiagnosticsHooks
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The kernel may not name its diagnostics (docs/design.md, layers): this sets the one hook it calls, before any loop exists.")]
    internal static void Install()
    {
        EventLoop.OnCreated = LoopCreated;
        EventLoop.OnErrorReported = ErrorReported;
        EventLoop.DescribeCallback = static callback => SourceLines.Describe(callback).ToString();
    }

    private static void ErrorReported(EventLoop loop, LoopError error)
    {
        LoopMetrics.Error();
        LoopEventSource.Log.Error(error.Task?.Id ?? -1, error.Task?.Name ?? "", error.Message, error.Exception?.ToString() ?? "");
    }

    private static void LoopCreated(EventLoop loop)
    {
        LoopMetrics.Register(loop);
        if (loop.Options.Debug)
        {
            LoopDebugger.Attach(loop);
        }
    }
}
