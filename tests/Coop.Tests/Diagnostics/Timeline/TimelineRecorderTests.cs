using Coop.Tests.Support;

namespace Coop.Tests.Diagnostics.Timeline;

public class TimelineRecorderTests
{
    private static async Coroutine Sleeps(double seconds) => await Coroutine.Sleep(seconds);

    internal static async Coroutine Yields(int times)
    {
        for (var i = 0; i < times; i++)
        {
            await Coroutine.Yield();
        }
    }

    internal static async Coroutine Awaits(Future future) => await future;

    internal static async Coroutine SetsAfter(Future future, double seconds)
    {
        await Coroutine.Sleep(seconds);
        future.SetResult();
    }

    /// <summary>Records a task named "waiter" awaiting a future that a task named "setter" sets after
    /// 2 s; returns the recorder and the two tasks' ids.</summary>
    internal static (TimelineRecorder Recorder, int Waiter, int Setter) RecordWaiterAndSetter()
    {
        var (waiter, setter) = (-1, -1);
        var recorder = Record(loop =>
        {
            var future = loop.CreateFuture();
            var a = loop.CreateTask(Awaits(future), "waiter");
            var b = loop.CreateTask(SetsAfter(future, 2), "setter");
            (waiter, setter) = (a.Id, b.Id);
            return [a, b];
        });

        return (recorder, waiter, setter);
    }

    /// <summary>Runs <paramref name="body"/> on a loop with a virtual clock and a recorder attached
    /// first, until every task it made is done; returns the recorder.</summary>
    internal static TimelineRecorder Record(Func<EventLoop, IReadOnlyList<CoopTask>> body, TimeSpan merge = default, int maxEvents = TimelineRecorder.DefaultMaxEvents, VirtualClock? clock = null) =>
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(clock ?? new VirtualClock());
            var recorder = TimelineRecorder.Attach(loop, merge, maxEvents);
            foreach (var task in body(loop))
            {
                loop.RunUntilComplete(task); // the others run meanwhile
            }

            return recorder;
        });

    private static List<TimelineEvent> Of(TimelineRecorder recorder, int taskId) => recorder.Events.Where(e => e.TaskId == taskId).ToList();

    [Fact]
    public void Sleep_RecordsCreatedRanParkedTimerFiredWokenRanDone_AtTheVirtualClocksTimes()
    {
        var id = -1;
        var recorder = Record(loop =>
        {
            var task = loop.CreateTask(Sleeps(2), "sleeper");
            id = task.Id;
            return [task];
        });

        var events = Of(recorder, id);
        Assert.Equal(
            [TimelineEventKind.TaskCreated, TimelineEventKind.Ran, TimelineEventKind.Parked, TimelineEventKind.TimerFired,
             TimelineEventKind.Woken, TimelineEventKind.Ran, TimelineEventKind.TaskDone],
            events.Select(e => e.Kind));
        Assert.Equal("sleeper", events[0].Text);
        Assert.Equal("Sleep", events[2].Text);
        Assert.Equal(TimeSpan.Zero, events[2].Time);
        Assert.Equal(TimeSpan.FromSeconds(2), events[3].Time);
        Assert.Equal(-1, events[4].WakerTaskId); // a timer woke it, not a task
        Assert.Equal(TimeSpan.FromSeconds(2), events[5].Time);
        Assert.Equal("Succeeded", events[6].Text);
        Assert.Equal("sleeper", recorder.TaskNames[id]);
    }

    [Fact]
    public void FutureSetByAnotherTask_WokenNamesThatTaskAsTheWaker()
    {
        var (waiter, setter) = (-1, -1);
        var recorder = Record(loop =>
        {
            var future = loop.CreateFuture();
            var a = loop.CreateTask(Awaits(future));
            var b = loop.CreateTask(SetsAfter(future, 1));
            (waiter, setter) = (a.Id, b.Id);
            return [a, b];
        });

        var parked = Assert.Single(Of(recorder, waiter), e => e.Kind == TimelineEventKind.Parked);
        Assert.Equal("Future", parked.Text);
        var woken = Assert.Single(Of(recorder, waiter), e => e.Kind == TimelineEventKind.Woken);
        Assert.Equal(setter, woken.WakerTaskId);
        Assert.Equal(TimeSpan.FromSeconds(1), woken.Time);
        Assert.Equal("Future", woken.Text);
    }

    [Fact]
    public void StepThatBlocks_RanEventLastsAsLongAsTheClockMovedDuringIt()
    {
        var clock = new VirtualClock();
        var id = -1;
        var recorder = Record(loop =>
        {
            var task = loop.CreateTask(Blocks(clock, TimeSpan.FromSeconds(6)));
            id = task.Id;
            return [task];
        }, clock: clock);

        var ran = Assert.Single(Of(recorder, id), e => e.Kind == TimelineEventKind.Ran);
        Assert.Equal(TimeSpan.FromSeconds(6), ran.Duration);
        Assert.Equal(TimeSpan.FromSeconds(6), ran.End);
        Assert.Equal(1, ran.Steps);
    }

    internal static IEnumerable<object?> Blocks(VirtualClock clock, TimeSpan howLong)
    {
        clock.Advance(howLong); // a blocking call: the clock moves while the step runs
        yield break;
    }

    [Fact]
    public void MergeStepsWithin_YieldsOfOneTaskBecomeOneRanEvent_WithTheirCount()
    {
        var id = -1;
        var recorder = Record(loop =>
        {
            var task = loop.CreateTask(Yields(50));
            id = task.Id;
            return [task];
        }, merge: TimeSpan.FromMilliseconds(1));

        var ran = Assert.Single(Of(recorder, id), e => e.Kind == TimelineEventKind.Ran);
        Assert.Equal(51, ran.Steps);
    }

    [Fact]
    public void MergeStepsWithin_AStepThatParkedEndsTheRun_SoTheWaitStaysAGap()
    {
        var id = -1;
        var recorder = Record(loop =>
        {
            var task = loop.CreateTask(YieldsSleepsYields());
            id = task.Id;
            return [task];
        }, merge: TimeSpan.FromMilliseconds(1));

        var runs = Of(recorder, id).Where(e => e.Kind == TimelineEventKind.Ran).ToList();
        Assert.Equal([4, 4], runs.Select(r => r.Steps)); // 3 yields + the step that parked; the wake-up + 3 yields
        Assert.Equal(TimeSpan.FromSeconds(1), runs[1].Time);
    }

    private static async Coroutine YieldsSleepsYields()
    {
        await Yields(3);
        await Coroutine.Sleep(1);
        await Yields(3);
    }

    [Fact]
    public void NoMerge_EveryStepIsOneRanEvent_EvenAtTheSameVirtualTime()
    {
        var id = -1;
        var recorder = Record(loop =>
        {
            var task = loop.CreateTask(Yields(5));
            id = task.Id;
            return [task];
        });

        Assert.Equal(6, Of(recorder, id).Count(e => e.Kind == TimelineEventKind.Ran && e.Steps == 1));
    }

    [Fact]
    public void MaxEvents_Reached_KeepsTheFirstEventsAndSaysItIsTruncated()
    {
        var recorder = Record(loop => [loop.CreateTask(Yields(100))], maxEvents: 10);

        Assert.Equal(10, recorder.Events.Count);
        Assert.True(recorder.IsTruncated);
        Assert.Equal(TimelineEventKind.TaskCreated, recorder.Events[0].Kind);
    }

    [Fact]
    public void CanceledWhileWaiting_WokenByTheTaskThatCanceled()
    {
        var (sleeper, canceler) = (-1, -1);
        var recorder = Record(loop =>
        {
            var a = loop.CreateTask(Sleeps(100));
            var b = loop.CreateTask(Cancels(a));
            (sleeper, canceler) = (a.Id, b.Id);
            return [b];
        });

        var woken = Assert.Single(Of(recorder, sleeper), e => e.Kind == TimelineEventKind.Woken);
        Assert.Equal(canceler, woken.WakerTaskId);
        Assert.Equal("Sleep", woken.Text);
        Assert.Equal("Canceled", Assert.Single(Of(recorder, sleeper), e => e.Kind == TimelineEventKind.TaskDone).Text);
        Assert.DoesNotContain(Of(recorder, sleeper), e => e.Kind == TimelineEventKind.TimerFired);
    }

    private static async Coroutine Cancels(CoopTask victim)
    {
        await Coroutine.Sleep(1);
        victim.Cancel();
        await Coroutine.Sleep(1);
    }

    [Fact]
    public void Mark_InAStep_IsOnThatTasksLane_AndOutsideASteps_OnNone()
    {
        var id = -1;
        var recorder = Record(loop =>
        {
            var task = loop.CreateTask(Marks());
            id = task.Id;
            return [task];
        });
        recorder.Mark("after the run");

        var marks = recorder.Events.Where(e => e.Kind == TimelineEventKind.Mark).ToList();
        Assert.Equal([(id, "in the task"), (-1, "after the run")], marks.Select(m => (m.TaskId, m.Text)));
        Assert.Equal(TimeSpan.FromSeconds(3), marks[0].Time);
    }

    private static async Coroutine MarksFromAThread(TimelineRecorder recorder, Action<Exception?> caught) =>
        await Coroutine.FromTask(Task.Run(() => caught(global::Xunit.Record.Exception(() => recorder.Mark("from a thread")))));

    private static async Coroutine Marks()
    {
        await Coroutine.Sleep(3);
        ((TimelineRecorder)EventLoop.Current.Instrument!).Mark("in the task");
    }

    [Fact]
    public void Mark_FromAnotherThreadWhileTheLoopRuns_Throws()
    {
        Exception? error = null;
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            var recorder = TimelineRecorder.Attach(loop);
            loop.RunUntilComplete(MarksFromAThread(recorder, e => error = e));
        });

        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Attach_WrapsTheInstrumentAlreadySet_WhichStillSeesEveryHook()
    {
        var inner = new Counting();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.Instrument = inner;
            var recorder = TimelineRecorder.Attach(loop);
            Assert.Same(recorder, loop.Instrument);
            var future = loop.CreateFuture();
            var waiter = loop.CreateTask(Awaits(future));
            loop.CreateTask(SetsAfter(future, 1));
            loop.RunUntilComplete(waiter);
        });

        Assert.Equal(2, inner.Created);
        Assert.Equal(4, inner.Before); // each task: the step that parks, the step after its wake-up
        Assert.Equal(inner.Before, inner.After);
        Assert.Equal(2, inner.Woken); // the waiter by the setter, the setter by its sleep
        Assert.Equal(2, inner.Done);
    }

    [Fact]
    public void Attach_BadArguments_ThrowWithTheirNames()
    {
        using var loop = new EventLoop(new VirtualClock());
        Assert.Equal("loop", Assert.Throws<ArgumentNullException>(() => TimelineRecorder.Attach(null!)).ParamName);
        Assert.Equal("mergeStepsWithin", Assert.Throws<ArgumentOutOfRangeException>(() => TimelineRecorder.Attach(loop, TimeSpan.FromSeconds(-1))).ParamName);
        Assert.Equal("maxEvents", Assert.Throws<ArgumentOutOfRangeException>(() => TimelineRecorder.Attach(loop, maxEvents: 0)).ParamName);
        loop.Close();
        Assert.Contains("closed", Assert.Throws<InvalidOperationException>(() => TimelineRecorder.Attach(loop)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InstrumentThatThrowsInTaskWoken_IsReported_AndTheWokenTaskRunsOn()
    {
        var errors = new List<string>();
        var done = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, error) => errors.Add(error.Message);
            loop.Instrument = new ThrowsWhenWoken();
            var task = loop.CreateTask(Sleeps(1));
            loop.RunUntilComplete(task);
            return task.State;
        });

        Assert.Equal(FutureState.Succeeded, done);
        Assert.Contains(errors, m => m.Contains("TaskWoken", StringComparison.Ordinal));
    }

    private sealed class ThrowsWhenWoken : LoopInstrument
    {
        public override void TaskWoken(CoopTask task, Future? by) => throw new InvalidOperationException("instrument bug");
    }

    private sealed class Counting : LoopInstrument
    {
        public int Created { get; private set; }

        public int Before { get; private set; }

        public int After { get; private set; }

        public int Woken { get; private set; }

        public int Done { get; private set; }

        public override void TaskCreated(CoopTask task) => Created++;

        public override void BeforeTaskStep(CoopTask task) => Before++;

        public override void AfterTaskStep(CoopTask task) => After++;

        public override void TaskWoken(CoopTask task, Future? by) => Woken++;

        public override void TaskDone(CoopTask task) => Done++;
    }
}
