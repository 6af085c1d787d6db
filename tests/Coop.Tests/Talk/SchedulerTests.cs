using System.Numerics;
using Coop.Tests.Support;
using static Coop.Talk.TalkFunctions;

namespace Coop.Tests.Talk;

public class SchedulerTests
{
    private static IEnumerable<object?> Count(int n)
    {
        for (var i = 0; i < n; i++)
        {
            yield return null;
        }

        yield return Coroutine.Return(n);
    }

    [Fact]
    public void RunToCompletion_TwoTasks_InterleavesRoundRobin()
    {
        var trace = new StringWriter();
        var scheduler = new Scheduler(trace);
        var a = scheduler.Add(Count(2));
        var b = scheduler.Add(Count(1));
        Bounded.Run(scheduler.RunToCompletion);

        var expected = string.Join(Environment.NewLine,
            $"Running task {a}...Now yielded",
            $"Running task {b}...Now yielded",
            $"Running task {a}...Now yielded",
            $"Running task {b}...Completed with result: 1",
            $"Running task {a}...Completed with result: 2",
            "");
        Assert.Equal(expected, trace.ToString());
        Assert.Equal(2, scheduler.CompletedTaskResults[a]);
        Assert.Equal(1, scheduler.CompletedTaskResults[b]);
    }

    private static readonly string NL = Environment.NewLine;

    // ---- The notebook's outputs ----

    [Fact]
    public void RunToCompletion_OneSearch_PrintsTheNotebooksTrace()
    {
        // In[19]-In[22]: 24 "Now yielded" lines, then the result 103682.
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var id = scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 6));
        Bounded.Run(scheduler.RunToCompletion);

        var expected = string.Concat(Enumerable.Repeat($"Running task {id}...Now yielded{NL}", 24))
            + $"Running task {id}...Completed with result: 103682{NL}";
        Assert.Equal(expected, trace.ToString());
        Assert.Equal(new BigInteger(103682), scheduler.CompletedTaskResults[id]);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void RunToCompletion_TwoSearches_InterleaveAndFind1149851And141422324()
    {
        // In[23]-In[26]: the two tasks take turns until the first finds its 7-digit number, then the
        // second goes on alone to its 9-digit one.
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var first = scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 7));
        var second = scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 9));
        Bounded.Run(scheduler.RunToCompletion);

        var expected = new List<string>();
        for (var i = 0; i < 29; i++)
        {
            expected.Add($"Running task {first}...Now yielded");
            expected.Add($"Running task {second}...Now yielded");
        }

        expected.Add($"Running task {first}...Completed with result: 1149851");
        expected.AddRange(Enumerable.Repeat($"Running task {second}...Now yielded", 10));
        expected.Add($"Running task {second}...Completed with result: 141422324");
        Assert.Equal(expected, trace.ToString().Split(NL, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new BigInteger(1149851), scheduler.CompletedTaskResults[first]);
        Assert.Equal(new BigInteger(141422324), scheduler.CompletedTaskResults[second]);
        AssertEachTaskRecordedOnce(scheduler, first, second);
    }

    [Fact]
    public void Add_ReturnsIncreasingIds_AndRunToCompletionCanRunAgain()
    {
        // In[20] and In[23]: the notebook adds tasks after a run and runs the scheduler again.
        using var scheduler = new Scheduler(TextWriter.Null);
        var a = scheduler.Add(Count(1));
        Bounded.Run(scheduler.RunToCompletion);
        var b = scheduler.Add(Count(2));
        var c = scheduler.Add(Count(3));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.True(a < b && b < c);
        Assert.Equal(c, b + 1);
        AssertEachTaskRecordedOnce(scheduler, a, b, c);
    }

    [Fact]
    public void RunToCompletion_SearchWithNoMatch_RecordsNotFound()
    {
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var id = scheduler.Add(AsyncSearch(new[] { 1, 2, 3 }, x => x > 3));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.EndsWith($"Running task {id}...Failed with exception: Not Found{NL}", trace.ToString(), StringComparison.Ordinal);
        Assert.Equal("Not Found", Assert.IsType<InvalidOperationException>(scheduler.FailedTaskErrors[id]).Message);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void RunToCompletion_GeneratorYieldsASleep_TracesNowWaitingThenCompletes()
    {
        // The tutorial's "What comes next": a real timer parks the task instead of stepping it.
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var id = scheduler.Add(SleepsThenReturns());
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal($"Running task {id}...Now waiting{NL}Running task {id}...Completed with result: 'done'{NL}", trace.ToString());
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void Readme_FirstTaste_PrintsTheTraceShownThere()
    {
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var id = scheduler.Add(Countdown(2));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal(
            $"Running task {id}...Now yielded{NL}Running task {id}...Now yielded{NL}Running task {id}...Completed with result: 'liftoff'{NL}",
            trace.ToString());
        Assert.Equal("liftoff", scheduler.CompletedTaskResults[id]);

        static IEnumerable<object?> Countdown(int n)
        {
            for (var i = n; i > 0; i--)
            {
                yield return null;               // let other tasks run
            }

            yield return Coroutine.Return("liftoff");
        }
    }

    // ---- Bad input: a clear exception, and nothing lost ----

    [Fact]
    public void Add_Null_ThrowsArgumentNullNamingRoutine()
    {
        using var scheduler = new Scheduler(TextWriter.Null);
        Assert.Equal("routine", Assert.Throws<ArgumentNullException>(() => scheduler.Add(null!)).ParamName);
        Bounded.Run(scheduler.RunToCompletion);
        Assert.Empty(scheduler.CompletedTaskResults);
        Assert.Empty(scheduler.FailedTaskErrors);
    }

    [Fact]
    public void Add_SameRoutineTwice_ThrowsAndTheFirstStillRunsOnce()
    {
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var routine = Count(2);
        var id = scheduler.Add(routine);
        var error = Assert.Throws<ArgumentException>(() => scheduler.Add(routine));
        Assert.Equal("routine", error.ParamName);
        Assert.Contains("already added", error.Message, StringComparison.Ordinal);
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal(2, scheduler.CompletedTaskResults[id]);
        Assert.Equal(3, trace.ToString().Split(NL, StringSplitOptions.RemoveEmptyEntries).Length);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void RunToCompletion_RoutineThrowsOnFirstStep_RecordsItAndRunsTheOthers()
    {
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var boom = new InvalidOperationException("boom");
        var bad = scheduler.Add(Throws(boom));
        var good = scheduler.Add(Count(2));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Same(boom, scheduler.FailedTaskErrors[bad]);
        Assert.Equal(2, scheduler.CompletedTaskResults[good]);
        Assert.StartsWith($"Running task {bad}...Failed with exception: boom{NL}", trace.ToString(), StringComparison.Ordinal);
        AssertEachTaskRecordedOnce(scheduler, bad, good);
    }

    [Fact]
    public void RunToCompletion_UnsupportedYield_FailsThatTaskNamingTheType()
    {
        using var scheduler = new Scheduler(TextWriter.Null);
        var bad = scheduler.Add(Yields(42));
        var good = scheduler.Add(Count(1));
        Bounded.Run(scheduler.RunToCompletion);

        var error = Assert.IsType<InvalidOperationException>(scheduler.FailedTaskErrors[bad]);
        Assert.Contains("System.Int32", error.Message, StringComparison.Ordinal);
        Assert.Contains("yield null", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, scheduler.CompletedTaskResults[good]);
        AssertEachTaskRecordedOnce(scheduler, bad, good);
    }

    [Fact]
    public void RunToCompletion_CalledFromInsideATask_FailsThatTaskOnly()
    {
        using var scheduler = new Scheduler(TextWriter.Null);
        using var other = new Scheduler(TextWriter.Null);
        var own = scheduler.Add(Calls(scheduler.RunToCompletion));
        var foreign = scheduler.Add(Calls(other.RunToCompletion));
        var good = scheduler.Add(Count(3));
        Bounded.Run(scheduler.RunToCompletion);

        foreach (var id in new[] { own, foreign })
        {
            var error = Assert.IsType<InvalidOperationException>(scheduler.FailedTaskErrors[id]);
            Assert.Contains("inside a running task", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(3, scheduler.CompletedTaskResults[good]);
        AssertEachTaskRecordedOnce(scheduler, own, foreign, good);
    }

    [Fact]
    public void Call_ResultReadBeforeItRan_FailsTheTaskSayingToYieldFirst()
    {
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(ReadsResultTooEarly());
        Bounded.Run(scheduler.RunToCompletion);

        var error = Assert.IsType<InvalidOperationException>(scheduler.FailedTaskErrors[id]);
        Assert.Contains("yield return call;", error.Message, StringComparison.Ordinal);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void Call_WrongResultType_FailsTheTaskNamingBothTypes()
    {
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(CallsWithWrongType());
        Bounded.Run(scheduler.RunToCompletion);

        var error = Assert.IsType<InvalidCastException>(scheduler.FailedTaskErrors[id]);
        Assert.Contains("System.String", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int32", error.Message, StringComparison.Ordinal);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void Call_YieldedTwice_FailsTheTaskInsteadOfHangingIt()
    {
        // Found while writing these tests: the error escaped the step and left the task Running, so
        // RunToCompletion never returned.
        var log = new List<string>();
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(YieldsCallTwice(log));
        var good = scheduler.Add(Count(2));
        Bounded.Run(scheduler.RunToCompletion);

        var error = Assert.IsType<InvalidOperationException>(scheduler.FailedTaskErrors[id]);
        Assert.Contains("already yielded", error.Message, StringComparison.Ordinal);
        Assert.Equal(["finally"], log); // the caller was disposed
        Assert.Equal(2, scheduler.CompletedTaskResults[good]);
        AssertEachTaskRecordedOnce(scheduler, id, good);
    }

    [Fact]
    public void RunToCompletion_YieldOfAnotherLoopsFuture_FailsTheTaskInsteadOfHangingIt()
    {
        using var elsewhere = new EventLoop();
        var future = elsewhere.CreateFuture();
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(Yields(future));
        Bounded.Run(scheduler.RunToCompletion);

        var error = Assert.IsType<InvalidOperationException>(scheduler.FailedTaskErrors[id]);
        Assert.Contains("another event loop", error.Message, StringComparison.Ordinal);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void RunToCompletion_TaskStartsAnotherOnTheLoop_WaitsForBothAndRecordsBoth()
    {
        // Found while writing these tests: every task ending on the loop counted down the added
        // ones, so a child task ending made RunToCompletion return before its parent was done.
        using var scheduler = new Scheduler(TextWriter.Null);
        var childId = -1;
        var parent = scheduler.Add(StartsChild(scheduler.Loop, id => childId = id));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal(5, scheduler.CompletedTaskResults[parent]);
        Assert.Equal(5, scheduler.CompletedTaskResults[childId]);
        AssertEachTaskRecordedOnce(scheduler, parent, childId);
    }

    [Fact]
    public void RunToCompletion_ExceptionInNestedYieldFrom_FailsWithTheSameObjectAfterEveryFinally()
    {
        var log = new List<string>();
        var boom = new FormatException("deep");
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(Outer(log, boom));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Same(boom, scheduler.FailedTaskErrors[id]);
        Assert.Equal(["inner finally", "middle finally", "outer finally"], log);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void RunToCompletion_100000DeepYieldFromChain_ReturnsWithoutOverflow()
    {
        const int depth = 100_000;
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(Deep(depth));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Equal(depth, scheduler.CompletedTaskResults[id]);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    [Fact]
    public void RunToCompletion_ThrowAt100000Deep_FailsWithTheSameObjectAndRunsEveryFinally()
    {
        const int depth = 100_000;
        var finallies = new int[1];
        var boom = new ArithmeticException("bottom");
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(DeepThenThrow(depth, boom, finallies));
        Bounded.Run(scheduler.RunToCompletion);

        Assert.Same(boom, scheduler.FailedTaskErrors[id]);
        Assert.Equal(depth + 1, finallies[0]);
        AssertEachTaskRecordedOnce(scheduler, id);
    }

    // ---- helpers ----

    /// <summary>Every task ends in exactly one of the two dictionaries, and nothing else is there.</summary>
    private static void AssertEachTaskRecordedOnce(Scheduler scheduler, params int[] ids)
    {
        foreach (var id in ids)
        {
            Assert.True(
                scheduler.CompletedTaskResults.ContainsKey(id) ^ scheduler.FailedTaskErrors.ContainsKey(id),
                $"task {id} must be in exactly one of CompletedTaskResults and FailedTaskErrors");
        }

        Assert.Equal(ids.Length, scheduler.CompletedTaskResults.Count + scheduler.FailedTaskErrors.Count);
        Assert.Empty(scheduler.Loop.AllTasks());
    }

    private static IEnumerable<object?> Throws(Exception error)
    {
        throw error;
#pragma warning disable CS0162 // the yield makes this an iterator: it throws on its first step, not when called
        yield break;
#pragma warning restore CS0162
    }

    private static IEnumerable<object?> SleepsThenReturns()
    {
        yield return Coroutine.Sleep(0.001);
        yield return Coroutine.Return("done");
    }

    private static IEnumerable<object?> Yields(object value)
    {
        yield return value;
    }

    private static IEnumerable<object?> Calls(Action action)
    {
        yield return null;
        action();
    }

    private static IEnumerable<object?> Returns(object? value)
    {
        yield return null;
        yield return Coroutine.Return(value);
    }

    private static IEnumerable<object?> ReadsResultTooEarly()
    {
        var call = Coroutine.Call<int>(Count(1));
        _ = call.Result;
        yield return call;
    }

    private static IEnumerable<object?> CallsWithWrongType()
    {
        var call = Coroutine.Call<int>(Returns("text"));
        yield return call;
        _ = call.Result;
    }

    private static IEnumerable<object?> YieldsCallTwice(List<string> log)
    {
        try
        {
            var call = Coroutine.Call<int>(Count(1));
            yield return call;
            yield return call;
        }
        finally
        {
            log.Add("finally");
        }
    }

    private static IEnumerable<object?> StartsChild(EventLoop loop, Action<int> childId)
    {
        var child = loop.CreateTask(Count(5));
        childId(child.Id);
        yield return child;
        yield return Coroutine.Return(child.ResultObject);
    }

    private static IEnumerable<object?> Outer(List<string> log, Exception error)
    {
        try
        {
            var call = Coroutine.Call<int>(Middle(log, error));
            yield return call;
            log.Add("outer went on"); // never: the inner exception ends the chain
        }
        finally
        {
            log.Add("outer finally");
        }
    }

    private static IEnumerable<object?> Middle(List<string> log, Exception error)
    {
        try
        {
            yield return null;
            yield return Inner(log, error);
            log.Add("middle went on");
        }
        finally
        {
            log.Add("middle finally");
        }
    }

    private static IEnumerable<object?> Inner(List<string> log, Exception error)
    {
        try
        {
            yield return null;
            throw error;
        }
        finally
        {
            log.Add("inner finally");
        }
    }

    private static IEnumerable<object?> Deep(int n)
    {
        if (n == 0)
        {
            yield return null;
            yield return Coroutine.Return(0);
            yield break;
        }

        var call = Coroutine.Call<int>(Deep(n - 1));
        yield return call;
        yield return Coroutine.Return(call.Result + 1);
    }

    private static IEnumerable<object?> DeepThenThrow(int n, Exception error, int[] finallies)
    {
        try
        {
            if (n == 0)
            {
                yield return null;
                throw error;
            }

            yield return DeepThenThrow(n - 1, error, finallies);
        }
        finally
        {
            finallies[0]++;
        }
    }
}
