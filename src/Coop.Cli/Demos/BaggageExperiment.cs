// The talk's closing experiment (In[37]-In[45]), shared by the `blocking` and `cooperative` demos:
// a task that prints "Unattended baggage will be destroyed" every 2.5 s beside a task that prints
// the prime Lucas numbers, both on one Scheduler. Each line is stamped with the time, and a summary
// says whether the message kept its rhythm.
//
// Both tasks are endless and the busy-wait AsyncSleep keeps the loop from ever idling (the talk's
// point), so the run ends at the deadline: a loop timer cancels every task (their generators are
// disposed) and RunToCompletion returns. A blocking IsPrime cannot see that timer (the loop is stuck
// inside it), so the blocking run also passes IsPrime a token canceled at the deadline by another
// thread.
using System.Globalization;
using System.Numerics;
using Coop.Talk;
using static Coop.Talk.TalkFunctions;

namespace Coop.Cli.Demos;

/// <summary>Runs the message and prime-printing tasks of the talk until the deadline.</summary>
internal static class BaggageExperiment
{
    public const string Message = "Unattended baggage will be destroyed";
    public const double IntervalSeconds = 2.5;

    /// <summary>Runs the experiment; <paramref name="blocking"/> picks the talk's first version
    /// (IsPrime inside AsyncPrintMatches) or its cooperative one (AsyncIsPrime through yield from).</summary>
    public static int Run(DemoContext context, bool blocking)
    {
        var clock = TimeProvider.System;
        var start = clock.GetTimestamp();
        var messages = new StampedWriter(context.Out, clock, start);
        var matches = new StampedWriter(context.Out, clock, start);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(context.Seconds));
        var testing = BigInteger.Zero;
        var testingSince = 0.0;

        using var scheduler = new Scheduler(TextWriter.Null);
        context.Out.WriteLine($"> scheduler.Add(AsyncRepetitiveMessage(output, \"{Message}\", {IntervalSeconds.ToString(CultureInfo.InvariantCulture)}))");
        Name(scheduler, scheduler.Add(AsyncRepetitiveMessage(messages, Message, IntervalSeconds)), "AsyncRepetitiveMessage");
        if (blocking)
        {
            context.Out.WriteLine("> scheduler.Add(AsyncPrintMatches(output, Lucas(), IsPrime))");
            Name(scheduler, scheduler.Add(AsyncPrintMatches(matches, Lucas(), x =>
            {
                (testing, testingSince) = (x, matches.Elapsed);
                return IsPrime(x, deadline.Token);
            })), "AsyncPrintMatches(Lucas(), IsPrime)");
        }
        else
        {
            context.Out.WriteLine("> scheduler.Add(AsyncPrintMatches(output, Lucas(), AsyncIsPrime))");
            Name(scheduler, scheduler.Add(AsyncPrintMatches(matches, Lucas(), x =>
            {
                (testing, testingSince) = (x, matches.Elapsed);
                return AsyncIsPrime(x);
            })), "AsyncPrintMatches(Lucas(), AsyncIsPrime)");
        }

        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"> scheduler.RunToCompletion()  // endless: stopped after {context.Seconds} s"));
        scheduler.Loop.CallLater(context.Seconds, () =>
        {
            foreach (var task in scheduler.Loop.AllTasks())
            {
                task.Cancel("The demo's time is up.");
            }
        });
        scheduler.RunToCompletion();

        var end = messages.Elapsed;
        context.Out.WriteLine(StampedWriter.Stamp(end) + "Stopped: the time is up.");
        Summarize(context.Out, blocking, messages.LineTimes, end, testing, end - testingSince);
        return 0;
    }

    /// <summary>Names a task after the talk's expression that made it: debug mode's warnings (COOP_DEBUG=1)
    /// then say which call blocked ("task 2 ('AsyncPrintMatches(Lucas(), IsPrime)') ... took 4.2 s").</summary>
    private static void Name(Scheduler scheduler, int id, string name) =>
        scheduler.Loop.AllTasks().Single(t => t.Id == id).Name = name;

    private static void Summarize(TextWriter output, bool blocking, IReadOnlyList<double> messageTimes, double end, BigInteger testing, double testedFor)
    {
        var longestGap = 0.0;
        for (var i = 0; i < messageTimes.Count; i++)
        {
            var next = i + 1 < messageTimes.Count ? messageTimes[i + 1] : end;
            longestGap = Math.Max(longestGap, next - messageTimes[i]);
        }

        var stalled = longestGap > IntervalSeconds + 0.5;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"The message was due every {IntervalSeconds} s; it printed {messageTimes.Count} times, and the longest wait between two messages (or until the end) was {longestGap:0.0} s."));
        var predicate = blocking ? "IsPrime" : "AsyncIsPrime";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"At the end, {predicate} had been testing {testing} ({testing.ToString(CultureInfo.InvariantCulture).Length} digits) for {testedFor:0.0} s."));
        if (blocking)
        {
            output.WriteLine(stalled
                ? "The message stalled: IsPrime blocks, and while it runs no other task can run. Everything a coroutine calls must be non-blocking."
                : "The message has not stalled yet: the numbers are still small. Give it more time (--seconds 10) and IsPrime will block the message.");
        }
        else
        {
            output.WriteLine(stalled
                ? "The message fell behind: the machine is too busy to step the tasks often enough."
                : "The message kept its rhythm: AsyncIsPrime yields between divisions (yield from), so the message task runs on time.");
        }
    }
}
