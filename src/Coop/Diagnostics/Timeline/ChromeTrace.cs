// The Chrome trace event format (the "JSON object" form that Perfetto and chrome://tracing open):
// one process, the loop; one thread per task (tid = task id + 1; tid 0 holds what no task did);
// "X" slices where a task ran, "i" instants for the rest, and a flow ("s" then "f", bound to the
// enclosing slice) from the step that woke a task to the woken task's next step.
// Times are microseconds, as the format wants.
using System.Text.Json;

namespace Coop.Diagnostics;

internal static class ChromeTrace
{
    public static void Write(Utf8JsonWriter json, IReadOnlyList<TimelineEvent> events, IReadOnlyDictionary<int, string> names, bool truncated)
    {
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartObject("otherData");
        json.WriteString("clock", "the event loop's clock");
        json.WriteBoolean("truncated", truncated);
        json.WriteEndObject();
        json.WriteStartArray("traceEvents");
        WriteMetadata(json, "process_name", 0, "Coop event loop");
        WriteMetadata(json, "thread_name", 0, "loop");
        foreach (var (id, name) in names.OrderBy(n => n.Key))
        {
            WriteMetadata(json, "thread_name", Tid(id), $"task {id} {name}");
            json.WriteStartObject();
            json.WriteString("name", "thread_sort_index");
            json.WriteString("ph", "M");
            json.WriteNumber("pid", 1);
            json.WriteNumber("tid", Tid(id));
            json.WriteStartObject("args");
            json.WriteNumber("sort_index", Tid(id));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        var flow = 0;
        var nextRan = NextRanOf(events);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            switch (e.Kind)
            {
                case TimelineEventKind.Ran:
                    json.WriteStartObject();
                    json.WriteString("name", e.Steps == 1 ? "step" : $"{e.Steps} steps");
                    json.WriteString("cat", "task");
                    json.WriteString("ph", "X");
                    WriteWhere(json, e.Time, e.TaskId);
                    json.WriteNumber("dur", Micros(e.Duration));
                    json.WriteStartObject("args");
                    json.WriteNumber("steps", e.Steps);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    break;
                case TimelineEventKind.Woken when e.WakerTaskId >= 0 && nextRan[i] >= 0:
                    flow++;
                    WriteInstant(json, e, Describe(e));
                    WriteFlow(json, "s", flow, e.Time, e.WakerTaskId);
                    WriteFlow(json, "f", flow, events[nextRan[i]].Time, e.TaskId);
                    break;
                default:
                    WriteInstant(json, e, Describe(e));
                    break;
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>What an instant says in the trace viewer.</summary>
    internal static string Describe(in TimelineEvent e) => e.Kind switch
    {
        TimelineEventKind.TaskCreated => "created",
        TimelineEventKind.Parked => $"parked on {e.Text}",
        TimelineEventKind.Woken when e.WakerTaskId >= 0 => $"woken by task {e.WakerTaskId} ({e.Text} completed)",
        TimelineEventKind.Woken => $"woken ({e.Text} completed)",
        TimelineEventKind.TimerFired => "timer fired",
        TimelineEventKind.IoReady => $"I/O ready: {e.Text}",
        TimelineEventKind.Mark => e.Text ?? "mark",
        TimelineEventKind.TaskDone => $"done ({e.Text})",
        _ => e.Kind.ToString(),
    };

    /// <summary>For each Woken event, the index of the woken task's next Ran event (-1 if none).</summary>
    internal static int[] NextRanOf(IReadOnlyList<TimelineEvent> events)
    {
        var next = new int[events.Count];
        Array.Fill(next, -1);
        var pending = new Dictionary<int, List<int>>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Kind == TimelineEventKind.Woken)
            {
                if (!pending.TryGetValue(e.TaskId, out var list))
                {
                    pending[e.TaskId] = list = [];
                }

                list.Add(i);
            }
            else if (e.Kind == TimelineEventKind.Ran && pending.Remove(e.TaskId, out var woken))
            {
                foreach (var w in woken)
                {
                    next[w] = i;
                }
            }
        }

        return next;
    }

    private static void WriteInstant(Utf8JsonWriter json, in TimelineEvent e, string name)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("cat", e.Kind.ToString());
        json.WriteString("ph", "i");
        json.WriteString("s", "t");
        WriteWhere(json, e.Time, e.TaskId);
        json.WriteEndObject();
    }

    private static void WriteFlow(Utf8JsonWriter json, string phase, int id, TimeSpan time, int taskId)
    {
        json.WriteStartObject();
        json.WriteString("name", "wake");
        json.WriteString("cat", "wake");
        json.WriteString("ph", phase);
        json.WriteNumber("id", id);
        if (phase == "f")
        {
            json.WriteString("bp", "e");
        }

        WriteWhere(json, time, taskId);
        json.WriteEndObject();
    }

    private static void WriteWhere(Utf8JsonWriter json, TimeSpan time, int taskId)
    {
        json.WriteNumber("ts", Micros(time));
        json.WriteNumber("pid", 1);
        json.WriteNumber("tid", Tid(taskId));
    }

    private static void WriteMetadata(Utf8JsonWriter json, string kind, int tid, string name)
    {
        json.WriteStartObject();
        json.WriteString("name", kind);
        json.WriteString("ph", "M");
        json.WriteNumber("pid", 1);
        json.WriteNumber("tid", tid);
        json.WriteStartObject("args");
        json.WriteString("name", name);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static int Tid(int taskId) => taskId + 1;

    private static double Micros(TimeSpan time) => Math.Round(time.TotalMicroseconds, 3);
}
