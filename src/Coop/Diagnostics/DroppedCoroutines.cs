// Coroutines made and never run: Coop's coroutines start cold, so a call whose coroutine nobody awaits,
// yields or starts does nothing, without a word (asyncio warns "coroutine ... was never awaited" when
// such a coroutine is collected). In debug mode each async coroutine made on a debug loop's thread gets
// a watch with a finalizer, in a weak table keyed by the coroutine: the watch lives exactly as long as
// the coroutine. Claimed (awaited or made a task), the watch is dropped; collected unclaimed, its
// finalizer reports where the coroutine was made. The place is a stack trace without file info (a
// few microseconds), resolved to a line only when reported. Generator coroutines are plain iterators
// with no hook at creation: the analyzer (COOP002) catches those.
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Coop.Diagnostics;

internal static class DroppedCoroutines
{
    private static readonly ConditionalWeakTable<Coroutine, Watch> s_watches = [];
    private static int s_tracking;

    /// <summary>Starts watching coroutines made on the threads of loops in debug mode (once per process).</summary>
    public static void Track()
    {
        if (Interlocked.Exchange(ref s_tracking, 1) == 0)
        {
            CompilerServices.Suspension.OnMade = Made;
            Coroutine.OnClaimed = Claimed;
        }
    }

    private static void Made(Coroutine coroutine)
    {
        if (EventLoop.CurrentOrNull is { } loop && LoopDebugger.Of(loop) is { } debugger)
        {
            s_watches.AddOrUpdate(coroutine, new Watch(debugger, coroutine.GetType(), new StackTrace(1, fNeedFileInfo: false)));
        }
    }

    private static void Claimed(Coroutine coroutine)
    {
        if (s_watches.TryGetValue(coroutine, out var watch))
        {
            watch.Claimed();
            s_watches.Remove(coroutine);
        }
    }

    /// <summary>Where the coroutine was made: the caller of the async method that made it (the frame
    /// after the method marked [AsyncStateMachine]), or of the constructor of a hand-written one (a
    /// socket operation), past any of Coop's own methods that handed it on (SocketStream.ReceiveAsync
    /// is where the user made a receive); resolved through the program's symbols.</summary>
    internal static CoroutineFrame? MadeAt(StackTrace trace)
    {
        // Without the maker's frame (the JIT inlined a constructor), the first frame outside Coop.
        var frames = trace.GetFrames();
        var at = Array.FindIndex(frames, frame => MakesCoroutine(frame.GetMethod())) + 1;
        while (at < frames.Length && frames[at].GetMethod()?.DeclaringType?.Assembly == typeof(Coroutine).Assembly)
        {
            at++;
        }

        return at < frames.Length && frames[at].GetMethod() is MethodInfo caller ? SourceLines.DescribeCall(caller, frames[at].GetILOffset()) : null;
    }

    private static bool MakesCoroutine(MethodBase? method) =>
        method?.GetCustomAttribute<AsyncStateMachineAttribute>() != null
        || (method is ConstructorInfo && typeof(Coroutine).IsAssignableFrom(method.DeclaringType));

    /// <summary>Lives as long as its coroutine; reports it if it dies unclaimed.</summary>
    private sealed class Watch(LoopDebugger debugger, Type type, StackTrace made)
    {
        /// <summary>The coroutine ran: nothing to report when it is collected.</summary>
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA1816", Justification = "Not a Dispose: a claimed coroutine's watch has nothing to report.")]
        public void Claimed() => GC.SuppressFinalize(this);

        ~Watch()
        {
            try
            {
                var at = MadeAt(made);
                var where = at == null ? "" : $", made in {at.Method} at {StallReport.Location(at)}";
                debugger.Warn(
                    $"A coroutine was never run: {SourceLines.NameOfMachine(type)}{where} was collected without being awaited, " +
                    "yielded or made a task. Coop coroutines start only when awaited (or given to CreateTask): add the missing await.",
                    null);
            }
            catch (Exception ex)
            {
                // A finalizer must not throw: the report is lost, and says so.
                Console.Error.WriteLine($"Coop debug: a dropped coroutine could not be reported: {ex.Message}");
            }
        }
    }
}
