using System.Numerics;
using Coop.Tests.Support;
using static Coop.Talk.TalkFunctions;

namespace Coop.Tests.Talk;

public class TalkFunctionsMessagesTests
{
    private static readonly string NL = Environment.NewLine;

    [Fact]
    public void AsyncPrintMatches_BlockingPredicate_PrintsMatchesAndYieldsAfterEachItem()
    {
        // In[32]: the predicate is a plain function, and the coroutine yields once per item.
        var output = new StringWriter();
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var id = scheduler.Add(AsyncPrintMatches(output, Enumerable.Range(1, 10), x => IsPrime(x)));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal($"Found: 2{NL}Found: 3{NL}Found: 5{NL}Found: 7{NL}", output.ToString());
        var lines = trace.ToString().Split(NL, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Count(l => l == $"Running task {id}...Now yielded"));
        Assert.Equal($"Running task {id}...Completed with result: None", lines[^1]);
    }

    [Fact]
    public void AsyncPrintMatches_IsPrimeMethodGroup_PicksTheBlockingOverload()
    {
        // As the tutorial writes it: AsyncPrintMatches(output, Lucas(), IsPrime).
        var output = new StringWriter();
        using var scheduler = new Scheduler(TextWriter.Null);
        scheduler.Add(AsyncPrintMatches(output, Lucas().Take(12), IsPrime));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal(string.Concat(new[] { 2, 3, 7, 11, 29, 47, 199 }.Select(p => $"Found: {p}{NL}")), output.ToString());
    }

    [Fact]
    public void AsyncPrintMatches_AsyncPredicate_PrintsMatchesOfTheLucasNumbers()
    {
        // In[41]-In[42]: matches = yield from async_predicate(item)
        var output = new StringWriter();
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(AsyncPrintMatches(output, Lucas().Take(12), AsyncIsPrime));
        Bounded.Run(scheduler.RunToCompletion);

        // Lucas 2, 1, 3, 4, 7, 11, 18, 29, 47, 76, 123, 199: the primes among them.
        Assert.Equal(string.Concat(new[] { 2, 3, 7, 11, 29, 47, 199 }.Select(p => $"Found: {p}{NL}")), output.ToString());
        Assert.Null(scheduler.CompletedTaskResults[id]);
    }

    [Fact]
    public void AsyncPrintMatches_AsyncPredicate_InterleavesWithAnotherTask()
    {
        // The predicate yields between trial divisions, so another task runs between them.
        var output = new StringWriter();
        using var scheduler = new Scheduler(TextWriter.Null);
        scheduler.Add(AsyncPrintMatches(output, new BigInteger[] { 97 }, AsyncIsPrime));
        scheduler.Add(Ticker(output, 3));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal($"tick{NL}tick{NL}tick{NL}Found: 97{NL}", output.ToString());
    }

    [Fact]
    public void AsyncPrintMatches_AsyncPredicateReturnsNotABool_FailsWithTheTypeNamed()
    {
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(AsyncPrintMatches(TextWriter.Null, new[] { 1 }, _ => ReturnsText()));
        Bounded.Run(scheduler.RunToCompletion);

        var error = Assert.IsType<InvalidCastException>(scheduler.FailedTaskErrors[id]);
        Assert.Contains("System.String", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsyncPrintMatches_NullArguments_ThrowWhenCalled()
    {
        Assert.Equal("output", Assert.Throws<ArgumentNullException>(() => AsyncPrintMatches(null!, new[] { 1 }, _ => true)).ParamName);
        Assert.Equal("items", Assert.Throws<ArgumentNullException>(() => AsyncPrintMatches<int>(TextWriter.Null, null!, _ => true)).ParamName);
        Assert.Equal("predicate", Assert.Throws<ArgumentNullException>(() => AsyncPrintMatches(TextWriter.Null, new[] { 1 }, (Func<int, bool>)null!)).ParamName);
        Assert.Equal("asyncPredicate", Assert.Throws<ArgumentNullException>(() => AsyncPrintMatches(TextWriter.Null, new[] { 1 }, (Func<int, IEnumerable<object?>>)null!)).ParamName);
    }

    [Fact]
    public void AsyncRepetitiveMessage_OnAClockMovingHalfASecondPerStep_PrintsEvery2point5Seconds()
    {
        var clock = new HandSetClock(1000);
        var output = new StringWriter();
        var printedAt = new List<double>();
        using var scheduler = new Scheduler(TextWriter.Null);
        var message = scheduler.Add(AsyncRepetitiveMessage(new CallbackWriter(() => printedAt.Add(clock.Seconds), output), "Unattended baggage will be destroyed", 2.5, clock));
        var task = scheduler.Loop.AllTasks().Single(t => t.Id == message);
        scheduler.Add(MoveClockThenCancel(clock, task, step: 0.5, until: 10));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal([0, 2.5, 5, 7.5], printedAt);
        Assert.Equal(4, output.ToString().Split(NL, StringSplitOptions.RemoveEmptyEntries).Count(l => l == "Unattended baggage will be destroyed"));
        Assert.IsType<CanceledException>(scheduler.FailedTaskErrors[message]);
    }

    [Fact]
    public void AsyncRepetitiveMessage_BadArguments_ThrowNamingThem()
    {
        Assert.Equal("output", Assert.Throws<ArgumentNullException>(() => AsyncRepetitiveMessage(null!, "m", 1)).ParamName);
        Assert.Equal("message", Assert.Throws<ArgumentNullException>(() => AsyncRepetitiveMessage(TextWriter.Null, null!, 1)).ParamName);
        Assert.Equal("intervalSeconds", Assert.Throws<ArgumentException>(() => AsyncRepetitiveMessage(TextWriter.Null, "m", double.NaN)).ParamName);
    }

    private static IEnumerable<object?> Ticker(TextWriter output, int times)
    {
        for (var i = 0; i < times; i++)
        {
            output.WriteLine("tick");
            yield return null;
        }
    }

    private static IEnumerable<object?> ReturnsText()
    {
        yield return Coroutine.Return("yes");
    }

    private static IEnumerable<object?> MoveClockThenCancel(HandSetClock clock, CoopTask task, double step, double until)
    {
        while (true)
        {
            clock.Seconds += step;
            if (clock.Seconds >= until)
            {
                task.Cancel();
                yield break;
            }

            yield return null;
        }
    }

    /// <summary>Calls back at the start of each line, then writes it on.</summary>
    private sealed class CallbackWriter(Action onLine, TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void WriteLine(string? value)
        {
            onLine();
            inner.WriteLine(value);
        }
    }
}
