using System.Globalization;

namespace Coop.Diagnostics;

/// <summary>What a <see cref="StallWatchdog"/> saw: a loop whose current step has run too long.</summary>
/// <param name="LoopName">The loop's name, as the watchdog was given it; null for a lone loop.</param>
/// <param name="Task">The task whose step runs.</param>
/// <param name="Elapsed">How long the step has run so far.</param>
/// <param name="ResumedAt">The coroutine the step resumed and the line it resumed at (null if unknown).</param>
/// <param name="Blocked">True if the loop thread is blocked (waiting on a lock, a Task's result, a
/// sleep) rather than computing: sync over async, if what it waits for needs the loop.</param>
/// <param name="Ended">True when reported after the step ended (its whole duration), false while it runs.</param>
internal sealed record StallReport(string? LoopName, CoopTask Task, TimeSpan Elapsed, CoroutineFrame? ResumedAt, bool Blocked, bool Ended)
{
    /// <summary>The warning, as a person reads it.</summary>
    public override string ToString()
    {
        var seconds = Elapsed.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture);
        var where = ResumedAt is { } frame ? $" in {frame.Method}, resumed at {Location(frame)}" : "";
        var what = $"{(LoopName == null ? "" : LoopName + ": ")}task {Task.Id} ('{Task.Name}'){where}";
        if (Ended)
        {
            return $"Slow step: {what} took {seconds} s; no other task or callback ran meanwhile. " +
                "Yield inside long computations, or run them with Coroutine.ToThread.";
        }

        return Blocked
            ? $"{what}: the loop thread has been blocked inside this step for {seconds} s. A .Result, .Wait(), " +
              "GetAwaiter().GetResult(), lock or Thread.Sleep inside a coroutine blocks every task; if it waits for something this " +
              "loop must complete, it never returns (sync over async). Await it instead (Coroutine.FromTask for a .NET Task)."
            : $"{what}: this step has run for {seconds} s without yielding; no other task or callback runs meanwhile. " +
              "Yield inside long computations, or run them with Coroutine.ToThread.";
    }

    internal static string Location(CoroutineFrame frame) =>
        frame.File == null ? "an unknown line" : $"{Path.GetFileName(frame.File)}:{frame.Line.ToString(CultureInfo.InvariantCulture)}";
}
