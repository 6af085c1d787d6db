// A task dump on demand from a running program: SIGQUIT (Ctrl+\ in a terminal; Ctrl+Break on
// Windows), as the JVM prints its threads and Go its goroutines on the same signal. A signal needs
// nothing but the process id and works on a stuck program, where a diagnostics channel would need a
// listener inside the loop, or a thread of its own that the stall might involve. The handler runs on
// the runtime's signal thread: it asks the loop for a consistent dump (a posted callback) and, if the
// loop does not answer within a second (stuck inside a step, the case that matters), reads the loop
// from the signal thread and says the dump may be inconsistent.
// A registration is process-wide (the runtime keeps it), so it holds its loop weakly: a loop dropped
// without Close is still collected, and a signal after that says so.
using System.Runtime.InteropServices;

namespace Coop.Diagnostics;

internal sealed class TaskDumpSignal : IDisposable
{
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(1);

    private readonly PosixSignalRegistration _registration;
    private volatile bool _disposed;

    private TaskDumpSignal(PosixSignalRegistration registration) => _registration = registration;

    /// <summary>True once disposed: the signal is the runtime's again.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Writes a dump of <paramref name="loop"/> to <paramref name="output"/> on every SIGQUIT
    /// until disposed; the signal no longer ends the process meanwhile.</summary>
    public static TaskDumpSignal Register(EventLoop loop, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(output);
        var weak = new WeakReference<EventLoop>(loop);
        return new TaskDumpSignal(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context =>
        {
            context.Cancel = true;
            WriteDump(weak, output, AnswerWithin);
        }));
    }

    /// <summary>What the handler does with a loop it holds weakly.</summary>
    internal static void WriteDump(WeakReference<EventLoop> loop, TextWriter output, TimeSpan answerWithin)
    {
        if (loop.TryGetTarget(out var target))
        {
            WriteDump(target, output, answerWithin);
        }
        else
        {
            Write(output, "The event loop was collected without being closed: it has no tasks.\n");
        }
    }

    /// <summary>Gives the signal back to the runtime (again is a no-op).</summary>
    public void Dispose()
    {
        _disposed = true;
        _registration.Dispose();
    }

    /// <summary>What the handler does: a dump taken on the loop thread if the loop answers within
    /// <paramref name="answerWithin"/>, else read from this thread.</summary>
    internal static void WriteDump(EventLoop loop, TextWriter output, TimeSpan answerWithin)
    {
        string? text = null;
        if (loop.IsRunning)
        {
            using var answered = new ManualResetEventSlim();
            var posted = loop.TryPostOutcome(
                _ =>
                {
                    text = TaskDump.Read(loop, consistent: true).ToText();
                    answered.Set();
                },
                null,
                static _ => { });
            if (posted && answered.Wait(answerWithin))
            {
                Write(output, text!);
                return;
            }
        }

        if (loop.IsClosed)
        {
            Write(output, "The event loop is closed: it has no tasks.\n");
            return;
        }

        Write(output, TaskDump.Read(loop, consistent: !loop.IsRunning).ToText());
    }

    private static void Write(TextWriter output, string text)
    {
        lock (output)
        {
            output.Write(text);
            output.Flush();
        }
    }
}
