// The timeline's recorder: a loop instrument that stamps what the loop does with its tasks with the
// loop's own clock (so a virtual clock gives virtual times), for the Chrome trace (ChromeTrace.cs) and
// the CLI's picture. It wraps the instrument already set instead of replacing it: a loop has one
// instrument, and the talk's Scheduler needs its own to run at all.
// Steps of one task that follow each other closely can be merged into one event (mergeStepsWithin):
// an endless demo steps millions of times, and a picture draws a few thousand pixels, so merging
// keeps the record bounded without changing what the picture shows. A step that ends waiting is
// never merged with the next one, so every wait stays a gap.
using System.Runtime.CompilerServices;
using System.Text.Json;
using Coop.Diagnostics;
using Coop.IO;

namespace Coop;

/// <summary>
/// Records a timeline of an <see cref="EventLoop"/>: tasks created, when each ran, what each waited
/// on and what woke it, timers fired, sockets ready and tasks done, stamped with the loop's clock.
/// Attach it with <see cref="Attach"/>; write it as a Chrome trace (Perfetto, chrome://tracing)
/// with <see cref="WriteChromeTrace"/>. Nothing is recorded, and nothing costs, until it is attached.
/// </summary>
public sealed class TimelineRecorder : LoopInstrument
{
    /// <summary>The largest number of events a recorder keeps unless told otherwise.</summary>
    public const int DefaultMaxEvents = 1_000_000;

    private readonly EventLoop _loop;
    private readonly LoopInstrument? _inner;
    private readonly long _start;
    private readonly long _mergeTicks;
    private readonly int _maxEvents;
    private readonly List<TimelineEvent> _events = [];
    private readonly Dictionary<int, string> _names = [];
    private readonly Dictionary<CoopTask, LaneState> _lanes = [];
    private long _stepStart;

    private TimelineRecorder(EventLoop loop, TimeSpan mergeStepsWithin, int maxEvents)
    {
        _loop = loop;
        _inner = loop.Instrument;
        _start = loop.Now();
        _mergeTicks = (long)(mergeStepsWithin.TotalSeconds * loop.TimeProvider.TimestampFrequency);
        _maxEvents = maxEvents;
    }

    /// <summary>The events, in the order they happened (a merged run of steps sits where its first
    /// step began).</summary>
    public IReadOnlyList<TimelineEvent> Events => _events;

    /// <summary>The name of each task seen, by id.</summary>
    public IReadOnlyDictionary<int, string> TaskNames => _names;

    /// <summary>True if events were dropped because the recorder held its maximum.</summary>
    public bool IsTruncated { get; private set; }

    /// <summary>How long the recorder has run, by the loop's clock.</summary>
    public TimeSpan Elapsed => Since(_loop.Now());

    /// <summary>Starts recording <paramref name="loop"/>: the recorder becomes its
    /// <see cref="EventLoop.Instrument"/> and passes every hook on to the instrument set before.</summary>
    /// <param name="loop">The loop to record.</param>
    /// <param name="mergeStepsWithin">Steps of one task no longer than this, which yielded and ran
    /// again within this time, are recorded as one <see cref="TimelineEventKind.Ran"/> event (zero:
    /// every step is one). A step that ends waiting always ends its event.</param>
    /// <param name="maxEvents">The most events kept; later ones are dropped (<see cref="IsTruncated"/>).</param>
    public static TimelineRecorder Attach(EventLoop loop, TimeSpan mergeStepsWithin = default, int maxEvents = DefaultMaxEvents)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentOutOfRangeException.ThrowIfLessThan(mergeStepsWithin, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        if (loop.IsClosed)
        {
            throw new InvalidOperationException("The event loop is closed: there is nothing left to record.");
        }

        var recorder = new TimelineRecorder(loop, mergeStepsWithin, maxEvents);
        loop.Instrument = recorder;
        return recorder;
    }

    /// <summary>Puts <paramref name="label"/> on the timeline now, on the lane of the task running
    /// (a message printed, a request served). Call it on the loop's thread.</summary>
    public void Mark(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        _loop.CheckThread();
        Add(new TimelineEvent(TimelineEventKind.Mark, Since(_loop.Now()), _loop.SteppingTask?.Id ?? -1, Text: label));
    }

    /// <summary>Writes the timeline in the Chrome trace event format (JSON): one thread per task,
    /// a slice where it ran, instants where it parked, woke and finished, and flow arrows from the
    /// task that woke another to the step it woke. Perfetto and chrome://tracing open it.</summary>
    public void WriteChromeTrace(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        ChromeTrace.Write(json, _events, _names, IsTruncated);
    }

    /// <summary>Draws the timeline as an SVG picture: one lane per task, a box where it ran, a gap
    /// where it waited (a pale band, labelled with what it waited on, while it was parked), a
    /// labelled hole where it went long without running, arrows from the task that woke another to
    /// the step it woke, dots where a timer fired or a socket became ready, the marks, and a time
    /// axis in the loop's clock. Boxes closer than a pixel are drawn as one.</summary>
    /// <param name="output">Where the SVG goes.</param>
    /// <param name="title">The picture's title (a default when null).</param>
    /// <param name="axis">What the horizontal axis measures: the loop's clock, or the order of the steps.</param>
    public void WriteSvg(TextWriter output, string? title = null, TimelineAxis axis = TimelineAxis.Time)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!Enum.IsDefined(axis))
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, "Unknown TimelineAxis: use Time or Steps.");
        }

        output.Write(TimelineSvg.Draw(_events, _names, IsTruncated, title, axis));
    }

    /// <inheritdoc />
    public override void TaskCreated(CoopTask task)
    {
        _inner?.TaskCreated(task);
        _names[task.Id] = task.Name;
        Add(new TimelineEvent(TimelineEventKind.TaskCreated, Since(_loop.Now()), task.Id, Text: task.Name));
    }

    /// <inheritdoc />
    public override void BeforeTaskStep(CoopTask task)
    {
        _inner?.BeforeTaskStep(task);
        _stepStart = _loop.Now(); // last: the inner instrument's time is not the task's
    }

    /// <inheritdoc />
    public override void AfterTaskStep(CoopTask task)
    {
        var end = _loop.Now(); // first, for the same reason
        if (!_lanes.TryGetValue(task, out var lane))
        {
            _names[task.Id] = task.Name; // at its first step: a name given after creation counts
            lane = new LaneState();
        }

        var isShort = end - _stepStart <= _mergeTicks;
        if (_mergeTicks > 0 && lane.LastRan >= 0 && lane.MayMerge && isShort && _stepStart - lane.LastEnd <= _mergeTicks)
        {
            var ran = _events[lane.LastRan];
            _events[lane.LastRan] = ran with { Duration = Since(end) - ran.Time, Steps = ran.Steps + 1 };
        }
        else if (Add(new TimelineEvent(TimelineEventKind.Ran, Since(_stepStart), task.Id, Since(end) - Since(_stepStart), Steps: 1)))
        {
            lane.LastRan = _events.Count - 1;
        }

        lane.LastEnd = end;
        lane.MayMerge = isShort && task.Status == CoopTaskStatus.Ready;
        if (task.Status == CoopTaskStatus.Waiting)
        {
            Add(new TimelineEvent(TimelineEventKind.Parked, Since(end), task.Id, Text: task.WaitingOnDescription));
        }

        if (task.Status == CoopTaskStatus.Done)
        {
            Add(new TimelineEvent(TimelineEventKind.TaskDone, Since(end), task.Id, Text: task.State.ToString()));
            _lanes.Remove(task);
        }
        else
        {
            _lanes[task] = lane;
        }

        _inner?.AfterTaskStep(task);
    }

    /// <inheritdoc />
    public override void TaskWoken(CoopTask task, Future? by)
    {
        _inner?.TaskWoken(task, by);
        var now = Since(_loop.Now());
        var waker = _loop.SteppingTask;
        if (waker == null && by is TimerFuture)
        {
            Add(new TimelineEvent(TimelineEventKind.TimerFired, now, task.Id, Text: "Sleep"));
        }
        else if (waker == null && by is ReadinessFuture)
        {
            Add(new TimelineEvent(TimelineEventKind.IoReady, now, task.Id, Text: by.Describe()));
        }

        Add(new TimelineEvent(TimelineEventKind.Woken, now, task.Id, WakerTaskId: waker?.Id ?? -1,
            Text: by?.Describe() ?? "a foreign awaitable"));
    }

    /// <inheritdoc />
    public override void TaskDone(CoopTask task)
    {
        _inner?.TaskDone(task);
        if (_loop.SteppingTask == task)
        {
            return; // it ended in this step: AfterTaskStep records the end after the step's run
        }

        Add(new TimelineEvent(TimelineEventKind.TaskDone, Since(_loop.Now()), task.Id, Text: task.State.ToString()));
    }

    private TimeSpan Since(long timestamp) => TimeSpan.FromSeconds(_loop.TicksToSeconds(timestamp - _start));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Add(in TimelineEvent e)
    {
        if (_events.Count >= _maxEvents)
        {
            IsTruncated = true;
            return false;
        }

        _events.Add(e);
        return true;
    }

    /// <summary>Where a task's lane stands: its last Ran event, and whether the next step may extend it.</summary>
    private struct LaneState()
    {
        public int LastRan = -1;
        public long LastEnd;
        public bool MayMerge;
    }
}
