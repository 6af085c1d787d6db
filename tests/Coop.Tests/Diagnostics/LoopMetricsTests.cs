using System.Diagnostics;
using System.Diagnostics.Metrics;
using Coop.Diagnostics;
using Coop.Tests.Support;

namespace Coop.Tests.Diagnostics;

public class LoopMetricsTests
{
    private static async Coroutine Waits(Future never) => await never;

    private static async Coroutine Pass() => await Coroutine.Yield();

    [Fact]
    public void Gauges_ALoopWithWaitingTasks_ReportItsLiveTasksAndItemsRun()
    {
        var (live, items) = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var never = loop.CreateFuture();
            for (var i = 0; i < 3; i++)
            {
                loop.CreateTask(Waits(never));
            }

            loop.RunUntilComplete(Pass());
            var measured = Measure(loop);
            never.Cancel();
            loop.RunUntilComplete(Pass());
            return measured;
        });

        Assert.Equal(3, live);
        Assert.True(items >= 2, $"items run: {items}"); // the three first steps share one ready entry, Pass takes its own
    }

    private static (long Live, long Items) Measure(EventLoop loop)
    {
        long live = -1, items = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LoopMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
        {
            if (instrument.Name == "coop.loop.items" && value > items)
            {
                items = value;
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) =>
        {
            if (instrument.Name == "coop.loop.tasks.live" && value == 3)
            {
                live = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return (live, items);
    }

    [Fact]
    public void ActivityCurrent_StartedInATask_IsTheParentOfTheSpansOfTasksItCreatesAndOnlyThem()
    {
        using var source = new ActivitySource("Coop.Tests.Diagnostics");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        var spans = new Dictionary<string, (string? ParentId, string Id)>();

        Bounded.Run(() => EventLoop.Run(Root(source, spans)));

        Assert.Equal(spans["request"].Id, spans["child-a"].ParentId);
        Assert.Equal(spans["request"].Id, spans["child-b"].ParentId);
        Assert.Null(spans["unrelated"].ParentId);
        Assert.Null(spans["request"].ParentId);
    }

    private static async Coroutine Root(ActivitySource source, Dictionary<string, (string? ParentId, string Id)> spans)
    {
        var loop = EventLoop.Current;
        CoopTask a, b;
        using (var request = source.StartActivity("request"))
        {
            spans["request"] = (request!.ParentId, request.Id!);
            a = loop.CreateTask(Span(source, spans, "child-a"));
            b = loop.CreateTask(Span(source, spans, "child-b"));
        }

        var unrelated = loop.CreateTask(Span(source, spans, "unrelated"));
        await a;
        await b;
        await unrelated;
    }

    private static async Coroutine Span(ActivitySource source, Dictionary<string, (string? ParentId, string Id)> spans, string name)
    {
        await Coroutine.Yield(); // the other tasks run in between: each keeps its own Activity.Current
        using var span = source.StartActivity(name);
        await Coroutine.Yield();
        spans[name] = (span!.ParentId, span.Id!);
    }
}
