using System.Text.Json;
using static Coop.Tests.Diagnostics.Timeline.TimelineRecorderTests;

namespace Coop.Tests.Diagnostics.Timeline;

/// <summary>The Chrome trace a TimelineRecorder writes (Diagnostics/Timeline/ChromeTrace.cs).</summary>
public class ChromeTraceTests
{
    private static JsonElement[] TraceOf(TimelineRecorder recorder)
    {
        using var stream = new MemoryStream();
        recorder.WriteChromeTrace(stream);
        using var json = JsonDocument.Parse(stream.ToArray());
        return json.RootElement.GetProperty("traceEvents").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static string Phase(JsonElement e) => e.GetProperty("ph").GetString()!;

    private static int Tid(JsonElement e) => e.GetProperty("tid").GetInt32();

    [Fact]
    public void WriteChromeTrace_NamesAThreadPerTask_SlicesInMicroseconds_AndAFlowFromWakerToWoken()
    {
        var (recorder, waiter, setter) = TimelineRecorderTests.RecordWaiterAndSetter();

        var trace = TraceOf(recorder);

        var threads = trace.Where(e => Phase(e) == "M" && e.GetProperty("name").GetString() == "thread_name")
            .ToDictionary(Tid, e => e.GetProperty("args").GetProperty("name").GetString());
        Assert.Equal($"task {waiter} waiter", threads[waiter + 1]);
        Assert.Equal($"task {setter} setter", threads[setter + 1]);
        var slices = trace.Where(e => Phase(e) == "X").ToList();
        Assert.Equal(4, slices.Count); // two steps each
        Assert.Contains(slices, s => Tid(s) == setter + 1 && s.GetProperty("ts").GetDouble() == 2_000_000); // 2 s, in µs
        var start = Assert.Single(trace, e => Phase(e) == "s");
        var finish = Assert.Single(trace, e => Phase(e) == "f");
        Assert.Equal(start.GetProperty("id").GetInt32(), finish.GetProperty("id").GetInt32());
        Assert.Equal(setter + 1, Tid(start));
        Assert.Equal(waiter + 1, Tid(finish));
        Assert.Equal("e", finish.GetProperty("bp").GetString()); // bound to the woken task's next slice
        Assert.Contains(trace, e => Phase(e) == "i" && Tid(e) == waiter + 1 && e.GetProperty("name").GetString() == "parked on Future");
        Assert.Contains(trace, e => Phase(e) == "i" && Tid(e) == setter + 1 && e.GetProperty("name").GetString() == "timer fired");
    }

    [Fact]
    public void WriteChromeTrace_Truncated_SaysSo()
    {
        var recorder = TimelineRecorderTests.Record(loop => [loop.CreateTask(SetsAfter(loop.CreateFuture(), 1))], maxEvents: 2);
        using var stream = new MemoryStream();
        recorder.WriteChromeTrace(stream);
        using var json = JsonDocument.Parse(stream.ToArray());

        Assert.True(json.RootElement.GetProperty("otherData").GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public void WriteChromeTrace_NullStream_Throws()
    {
        var recorder = TimelineRecorderTests.Record(_ => []);

        Assert.Throws<ArgumentNullException>(() => recorder.WriteChromeTrace(null!));
    }
}
