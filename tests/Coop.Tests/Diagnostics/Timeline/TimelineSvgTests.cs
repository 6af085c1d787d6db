using System.Globalization;
using System.Xml.Linq;
using static Coop.Tests.Diagnostics.Timeline.TimelineRecorderTests;

namespace Coop.Tests.Diagnostics.Timeline;

/// <summary>The picture a TimelineRecorder draws (Diagnostics/Timeline/TimelineSvg.cs), read back as XML.</summary>
public class TimelineSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Draw(TimelineRecorder recorder, TimelineAxis axis = TimelineAxis.Time)
    {
        var text = new StringWriter();
        recorder.WriteSvg(text, "a test", axis);
        return XDocument.Parse(text.ToString());
    }

    private static IEnumerable<XElement> OfClass(XContainer svg, string cls) =>
        svg.Descendants().Where(e => (string?)e.Attribute("class") == cls);

    private static XElement Lane(XDocument svg, int taskId) =>
        OfClass(svg, "lane").Single(l => (int)l.Attribute("data-task")! == taskId);

    private static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    [Fact]
    public void WriteSvg_OneLanePerTask_LabelledWithItsName_AndABoxPerStep()
    {
        var (recorder, waiter, setter) = TimelineRecorderTests.RecordWaiterAndSetter();

        var svg = Draw(recorder);

        Assert.Equal([waiter, setter], OfClass(svg, "lane").Select(l => (int)l.Attribute("data-task")!));
        Assert.Equal("waiter", OfClass(Lane(svg, waiter), "label").Single().Value);
        Assert.Equal(2, OfClass(Lane(svg, waiter), "ran").Count()); // before and after its wait
        Assert.Equal(2, OfClass(Lane(svg, setter), "ran").Count());
        Assert.Equal("waits on Future", OfClass(Lane(svg, waiter), "parked").Single().Element(Svg + "title")!.Value);
        Assert.Single(OfClass(Lane(svg, setter), "timer"));
        Assert.Equal("a test", OfClass(svg, "title").Single().Value);
    }

    [Fact]
    public void WriteSvg_WakeArrow_GoesFromTheWakersLaneAtTheWakeToTheWokenTasksNextBox()
    {
        var (waiter, setter) = (-1, -1);
        var recorder = TimelineRecorderTests.Record(loop =>
        {
            var future = loop.CreateFuture();
            var a = loop.CreateTask(Awaits(future));
            var b = loop.CreateTask(SetsAfter(future, 2));
            (waiter, setter) = (a.Id, b.Id);
            return [a, b];
        });

        var svg = Draw(recorder);

        var arrow = Assert.Single(OfClass(svg, "wake"));
        Assert.Equal(setter, (int)arrow.Attribute("data-from")!);
        Assert.Equal(waiter, (int)arrow.Attribute("data-to")!);
        var wokenBox = OfClass(Lane(svg, waiter), "ran").Last();
        Assert.Equal(Number(wokenBox, "x"), Number(arrow, "x2"), 1);
        Assert.True(Number(arrow, "y1") > Number(arrow, "y2"), "the setter's lane is below the waiter's: the arrow points up");
    }

    [Fact]
    public void WriteSvg_AStepThatBlocks_ShowsTheHoleInTheLaneOfTheTaskThatWasReady_AndTheLongStep()
    {
        var clock = new VirtualClock();
        var (blocker, yielder, sleeper) = (-1, -1, -1);
        var recorder = TimelineRecorderTests.Record(loop =>
        {
            var y = loop.CreateTask(Yields(10), "yielder");
            var b = loop.CreateTask(BlocksAfter(clock, 3, TimeSpan.FromSeconds(6)), "blocker");
            var s = loop.CreateTask(SleepsThenYields(7), "sleeper");
            (blocker, yielder, sleeper) = (b.Id, y.Id, s.Id);
            return [y, b, s];
        }, clock: clock);

        var svg = Draw(recorder);

        Assert.Equal("no step for 6 s", Assert.Single(OfClass(Lane(svg, yielder), "hole-label")).Value);
        Assert.Equal("one step of 6 s", Assert.Single(OfClass(Lane(svg, blocker), "long-step")).Value);
        Assert.Empty(OfClass(Lane(svg, blocker), "hole-label"));
        Assert.Empty(OfClass(Lane(svg, sleeper), "hole-label")); // it slept: waiting is no stall
        Assert.Equal("Sleep", Assert.Single(OfClass(Lane(svg, sleeper), "parked-label")).Value);
    }

    private static async Coroutine Ticks(double every, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await Coroutine.Sleep(every);
        }
    }

    private static IEnumerable<object?> BlocksAfter(VirtualClock clock, int yields, TimeSpan howLong)
    {
        for (var i = 0; i < yields; i++)
        {
            yield return null;
        }

        clock.Advance(howLong); // a blocking call: the clock moves while the step runs
    }

    private static async Coroutine SleepsThenYields(double seconds)
    {
        await Coroutine.Sleep(seconds);
        await Yields(3);
    }

    [Fact]
    public void WriteSvg_StepsAxis_TasksTakingTurnsAlternateBoxByBox()
    {
        var (a, b) = (-1, -1);
        var recorder = TimelineRecorderTests.Record(loop =>
        {
            var first = loop.CreateTask(Yields(3));
            var second = loop.CreateTask(Yields(3));
            (a, b) = (first.Id, second.Id);
            return [first, second];
        });

        var svg = Draw(recorder, TimelineAxis.Steps);

        var boxes = OfClass(svg, "ran").Select(r => (Task: (int)r.Parent!.Attribute("data-task")!, X: Number(r, "x"), Width: Number(r, "width")))
            .OrderBy(r => r.X).ToList();
        Assert.Equal(8, boxes.Count);
        Assert.Equal([a, b, a, b, a, b, a, b], boxes.Select(r => r.Task));
        Assert.All(boxes, r => Assert.Equal(boxes[0].Width, r.Width, 3));
        Assert.Equal("steps, in the order the loop ran them", OfClass(svg, "axis-label").Single().Value);
    }

    [Fact]
    public void WriteSvg_ManyShortStepsUnderAPixel_AreDrawnAsOneBox()
    {
        var recorder = TimelineRecorderTests.Record(loop => [loop.CreateTask(Yields(10_000)), loop.CreateTask(Ticks(1, 1))]);

        var svg = Draw(recorder);

        Assert.Single(OfClass(Lane(svg, recorder.Events[0].TaskId), "ran"));
    }

    [Fact]
    public void WriteSvg_NameWithMarkup_IsEscaped()
    {
        var recorder = TimelineRecorderTests.Record(loop => [loop.CreateTask(Yields(1), "<b>&\"x\"")]);

        var svg = Draw(recorder);

        Assert.Equal("<b>&\"x\"", OfClass(svg, "label").Single().Value);
    }

    [Fact]
    public void WriteSvg_NothingRecorded_IsAnEmptyPictureWithItsAxis()
    {
        var recorder = TimelineRecorderTests.Record(_ => []);

        var svg = Draw(recorder);

        Assert.Empty(OfClass(svg, "lane"));
        Assert.NotEmpty(OfClass(svg, "axis"));
    }

    [Fact]
    public void WriteSvg_BadArguments_Throw()
    {
        var recorder = TimelineRecorderTests.Record(_ => []);

        Assert.Throws<ArgumentNullException>(() => recorder.WriteSvg(null!));
        Assert.Equal("axis", Assert.Throws<ArgumentOutOfRangeException>(() => recorder.WriteSvg(new StringWriter(), axis: (TimelineAxis)7)).ParamName);
    }
}
