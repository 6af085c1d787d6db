// The timeline as a picture (SVG): one lane per task, a box where it ran, a pale band where it was
// parked (labelled with what it waited on), a labelled hole where it went long without running, an
// arrow from the task that woke another to the step it woke, dots where a timer fired or a socket
// became ready, marks, and a time axis. Boxes closer than a pixel are drawn as one, and arrows and
// dots are capped, so a run of millions of steps still gives a small file; every element carries a
// class (lane, ran, parked, hole, wake, timer, io, mark) so tests and stylesheets can find it.
using System.Globalization;
using System.Security;
using System.Text;

namespace Coop.Diagnostics;

internal static class TimelineSvg
{
    private const double LabelWidth = 265;
    private const double PlotWidth = 900;
    private const double Top = 62;
    private const double LaneHeight = 40;
    private const double BoxHeight = 22;
    private const double AxisHeight = 40;
    private const double MinBoxWidth = 1.5;
    private const double SeparateBoxWidth = 3;
    private const int MaxArrows = 2_000;
    private const int MaxDots = 2_000;

    /// <summary>A hole is labelled when a task goes this share of the whole timeline without running.</summary>
    private const double HoleShare = 0.15;

    private static readonly string[] Palette = ["#4e79a7", "#e15759", "#59a14f", "#b07aa1", "#f28e2b", "#76b7b2", "#9c755f", "#edc948"];

    public static string Draw(IReadOnlyList<TimelineEvent> events, IReadOnlyDictionary<int, string> names, bool truncated, string? title, TimelineAxis axis)
    {
        var lanes = events.Select(e => e.TaskId).Concat(names.Keys).Where(id => id >= 0).Distinct().Order().ToList();
        if (events.Any(e => e.TaskId < 0))
        {
            lanes.Add(-1); // marks made while no task ran
        }

        var laneOf = lanes.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        var at = Positions(events, axis);
        var span = Math.Max(at.Length == 0 ? 0 : at.Max(p => p.End), axis == TimelineAxis.Time ? 1e-6 : 1);
        var height = Top + (lanes.Count * LaneHeight) + AxisHeight;
        var svg = new StringBuilder();
        var canvas = new Canvas(svg, span, axis);

        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{LabelWidth + PlotWidth + 20}" height="{height}" font-family="sans-serif" font-size="12">""").Append('\n');
        svg.Append("""<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker></defs>""").Append('\n');
        svg.Append("""<rect width="100%" height="100%" fill="white"/>""").Append('\n');
        canvas.Text(10, 20, title ?? "Event loop timeline", "title", "font-size=\"15\" font-weight=\"bold\"");
        canvas.Text(10, 40, "one lane per task: a box where it ran, a gap where it waited; arrows go from the task that woke another to the step it woke" +
            (truncated ? " (TRUNCATED: the recorder held its maximum)" : ""), "legend", "fill=\"#555\"");

        for (var i = 0; i < lanes.Count; i++)
        {
            var id = lanes[i];
            var y = Top + (i * LaneHeight);
            svg.Append(CultureInfo.InvariantCulture, $"""<g class="lane" data-task="{id}">""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="0" y="{y}" width="{LabelWidth + PlotWidth + 20}" height="{LaneHeight}" fill="{(i % 2 == 0 ? "#f5f5f5" : "#ffffff")}"/>""").Append('\n');
            var name = id < 0 ? "(no task)" : names.TryGetValue(id, out var n) ? n : $"Task-{id}";
            canvas.Text(10, y + 18, Shorten(name, 42), "label", "font-weight=\"bold\" font-size=\"11\"");
            canvas.Text(10, y + 32, id < 0 ? "marks made between steps" : $"task {id}", "label-id", "font-size=\"10\" fill=\"#666\"");
            DrawLane(canvas, events, at, id, y, Palette[i % Palette.Length]);
            svg.Append("</g>\n");
        }

        DrawWakes(canvas, events, at, laneOf);
        DrawAxis(canvas, Top + (lanes.Count * LaneHeight));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Where each event starts and ends on the axis: seconds, or steps counted in order
    /// (a merged run of n steps is n wide; everything else sits where the next step would begin).</summary>
    private static (double Start, double End)[] Positions(IReadOnlyList<TimelineEvent> events, TimelineAxis axis)
    {
        var at = new (double, double)[events.Count];
        var steps = 0.0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (axis == TimelineAxis.Time)
            {
                at[i] = (e.Time.TotalSeconds, e.End.TotalSeconds);
            }
            else if (e.Kind == TimelineEventKind.Ran)
            {
                at[i] = (steps, steps + e.Steps);
                steps += e.Steps;
            }
            else
            {
                at[i] = (steps, steps);
            }
        }

        return at;
    }

    private static void DrawLane(Canvas canvas, IReadOnlyList<TimelineEvent> events, (double Start, double End)[] at, int id, double y, string color)
    {
        var mid = y + (LaneHeight / 2);
        var lane = Enumerable.Range(0, events.Count).Where(i => events[i].TaskId == id).ToList();
        if (lane.Count == 0)
        {
            return;
        }

        // The task's life: a thin line from its first event to its end (or the timeline's).
        var born = lane.Min(i => at[i].Start);
        var died = lane.Any(i => events[i].Kind == TimelineEventKind.TaskDone) ? lane.Max(i => at[i].End) : canvas.Span;
        canvas.Line(canvas.X(born), mid, canvas.X(died), mid, "life", "stroke=\"#bbb\" stroke-width=\"1\"");

        // Waits: from a step that parked to the wake-up.
        int? parked = null;
        var waits = new List<(double From, double To)>();
        var dots = 0;
        foreach (var i in lane)
        {
            var e = events[i];
            switch (e.Kind)
            {
                case TimelineEventKind.Parked:
                    parked = i;
                    break;
                case TimelineEventKind.Woken when parked is { } p:
                    var x0 = canvas.X(at[p].Start);
                    var x1 = canvas.X(at[i].Start);
                    canvas.Rect(x0, mid - 4, Math.Max(x1 - x0, 0.5), 8, "parked", "fill=\"#f0dca0\"", $"waits on {events[p].Text}");
                    if (x1 - x0 > 70)
                    {
                        canvas.Text((x0 + x1) / 2, mid - 7, Shorten(events[p].Text ?? "", (int)((x1 - x0) / 6.5)), "parked-label", "text-anchor=\"middle\" font-size=\"10\" fill=\"#8a6d1c\"");
                    }

                    waits.Add((at[p].Start, at[i].Start));
                    parked = null;
                    break;
                case TimelineEventKind.TimerFired or TimelineEventKind.IoReady when dots++ < MaxDots:
                    var timer = e.Kind == TimelineEventKind.TimerFired;
                    canvas.Circle(canvas.X(at[i].Start), mid + (BoxHeight / 2) + 3, 2.5, timer ? "timer" : "io", timer ? "#f28e2b" : "#17becf", timer ? "timer fired" : $"I/O ready: {e.Text}");
                    break;
            }
        }

        // Runs: a box each; boxes too narrow to tell apart become one (a wide box stays itself). Lengths in labels come from
        // the events, not from the pixels.
        double? from = null;
        var to = 0.0;
        var (fromAt, toAt) = (0.0, 0.0);
        var steps = 0;
        foreach (var i in lane.Where(i => events[i].Kind == TimelineEventKind.Ran))
        {
            var a = canvas.X(at[i].Start);
            var b = Math.Max(canvas.X(at[i].End), a + MinBoxWidth);
            if (from != null && a <= to + 0.5 && b - a < SeparateBoxWidth && to - from.Value < SeparateBoxWidth)
            {
                to = Math.Max(to, b);
                toAt = Math.Max(toAt, at[i].End);
                steps += events[i].Steps;
                continue;
            }

            if (from != null)
            {
                Box(canvas, from.Value, to, mid, color, steps, toAt - fromAt);
                Hole(canvas, to, a, mid, ReadyFor(toAt, at[i].Start, waits));
            }

            (from, to, fromAt, toAt, steps) = (a, b, at[i].Start, at[i].End, events[i].Steps);
        }

        if (from != null)
        {
            Box(canvas, from.Value, to, mid, color, steps, toAt - fromAt);
        }

        // Marks: a small flag at the top of the lane, labelled when there is room.
        var lastLabel = double.NegativeInfinity;
        foreach (var i in lane.Where(i => events[i].Kind == TimelineEventKind.Mark).Take(MaxDots))
        {
            var x = canvas.X(at[i].Start);
            canvas.Path($"M {F(x - 4)} {F(y + 1)} L {F(x + 4)} {F(y + 1)} L {F(x)} {F(y + 8)} z", "mark", "fill=\"#222\"", events[i].Text);
            if (x - lastLabel > 60)
            {
                var atRightEdge = x + 60 > LabelWidth + PlotWidth; // there the label goes to the left of its flag
                canvas.Text(atRightEdge ? x - 5 : x + 5, y + 8, Shorten(events[i].Text ?? "", 14), "mark-label",
                    atRightEdge ? "font-size=\"9\" fill=\"#222\" text-anchor=\"end\"" : "font-size=\"9\" fill=\"#222\"");
                lastLabel = x;
            }
        }
    }

    /// <summary>A box where the task ran; one step long enough to stand out says how long it took:
    /// the step that blocked the loop.</summary>
    private static void Box(Canvas canvas, double from, double to, double mid, string color, int steps, double length)
    {
        canvas.Rect(from, mid - (BoxHeight / 2), to - from, BoxHeight, "ran", $"fill=\"{color}\" stroke=\"white\" stroke-width=\"0.5\"", null);
        if (steps == 1 && canvas.Axis == TimelineAxis.Time && to - from >= HoleShare * PlotWidth)
        {
            canvas.Text((from + to) / 2, mid + 4, $"one step of {Duration(length)}", "long-step",
                "text-anchor=\"middle\" font-weight=\"bold\" fill=\"white\"");
        }
    }

    /// <summary>How much of the stretch from <paramref name="from"/> to <paramref name="to"/> the task
    /// spent ready rather than parked: waiting for a timer or a message is no stall.</summary>
    private static double ReadyFor(double from, double to, List<(double From, double To)> waits) =>
        to - from - waits.Sum(w => Math.Max(0, Math.Min(to, w.To) - Math.Max(from, w.From)));

    /// <summary>Labels a long stretch between two runs of one lane in which the task was ready and
    /// did not run: the talk's stall.</summary>
    private static void Hole(Canvas canvas, double start, double gapEnd, double mid, double length)
    {
        if (length < HoleShare * canvas.Span)
        {
            return;
        }

        canvas.Line(start, mid, gapEnd, mid, "hole", "stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 4\"");
        canvas.Text((start + gapEnd) / 2, mid + 4, canvas.Axis == TimelineAxis.Time ? $"no step for {Duration(length)}" : $"no step for {length:0} steps",
            "hole-label", "text-anchor=\"middle\" font-weight=\"bold\" fill=\"#d62728\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\"");
    }

    private static void DrawWakes(Canvas canvas, IReadOnlyList<TimelineEvent> events, (double Start, double End)[] at, Dictionary<int, int> laneOf)
    {
        var next = ChromeTrace.NextRanOf(events);
        var arrows = 0;
        for (var i = 0; i < events.Count && arrows < MaxArrows; i++)
        {
            var e = events[i];
            if (e.Kind != TimelineEventKind.Woken || e.WakerTaskId < 0 || next[i] is not (>= 0 and var woke)
                || !laneOf.TryGetValue(e.WakerTaskId, out var fromLane) || !laneOf.TryGetValue(e.TaskId, out var toLane))
            {
                continue;
            }

            arrows++;
            var y0 = Top + (fromLane * LaneHeight) + (LaneHeight / 2);
            var y1 = Top + (toLane * LaneHeight) + (LaneHeight / 2) + (toLane > fromLane ? -BoxHeight / 2 : BoxHeight / 2);
            canvas.Line(canvas.X(at[i].Start), y0, canvas.X(at[woke].Start), y1, "wake",
                $"stroke=\"#333\" stroke-width=\"1.2\" marker-end=\"url(#head)\" data-from=\"{e.WakerTaskId}\" data-to=\"{e.TaskId}\"");
        }
    }

    private static void DrawAxis(Canvas canvas, double y)
    {
        canvas.Line(LabelWidth, y + 4, LabelWidth + PlotWidth, y + 4, "axis", "stroke=\"#333\"");
        var step = NiceStep(canvas.Span / 8);
        if (canvas.Axis == TimelineAxis.Steps)
        {
            step = Math.Max(1, Math.Round(step));
        }

        for (var t = 0.0; t <= canvas.Span * 1.0001; t += step)
        {
            var x = canvas.X(t);
            canvas.Line(x, y + 4, x, y + 9, "tick", "stroke=\"#333\"");
            canvas.Text(x, y + 22, canvas.Axis == TimelineAxis.Time ? Duration(t) : t.ToString("0", CultureInfo.InvariantCulture), "tick-label", "text-anchor=\"middle\"");
        }

        canvas.Text(LabelWidth + PlotWidth, y + 36, canvas.Axis == TimelineAxis.Time ? "time (the loop's clock)" : "steps, in the order the loop ran them",
            "axis-label", "text-anchor=\"end\" fill=\"#555\" font-size=\"10\"");
    }

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="rough"/>.</summary>
    internal static double NiceStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        return new[] { 1.0, 2, 2.5, 5, 10 }.Select(m => m * power).First(s => s >= rough * 0.999);
    }

    internal static string Duration(double seconds) =>
        seconds == 0 ? "0"
        : seconds >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.##} s")
        : seconds >= 1e-3 ? string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e3:0.##} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:0.##} µs");

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, Math.Max(max - 1, 1)), "…");

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Writes the elements; x is in pixels, positions on the axis are mapped by <see cref="X"/>.</summary>
    private sealed class Canvas(StringBuilder svg, double span, TimelineAxis axis)
    {
        /// <summary>The length of the axis: seconds, or steps.</summary>
        public double Span => span;

        public TimelineAxis Axis => axis;

        public double X(double position) => LabelWidth + (position / span * PlotWidth);

        public void Rect(double x, double y, double width, double height, string cls, string attributes, string? tip) =>
            Element($"""<rect class="{cls}" x="{F(x)}" y="{F(y)}" width="{F(width)}" height="{F(height)}" {attributes}""", tip);

        public void Line(double x1, double y1, double x2, double y2, string cls, string attributes) =>
            svg.Append($"""<line class="{cls}" x1="{F(x1)}" y1="{F(y1)}" x2="{F(x2)}" y2="{F(y2)}" {attributes}/>""").Append('\n');

        public void Circle(double x, double y, double r, string cls, string fill, string tip) =>
            Element($"""<circle class="{cls}" cx="{F(x)}" cy="{F(y)}" r="{F(r)}" fill="{fill}" """, tip);

        public void Path(string d, string cls, string attributes, string? tip) =>
            Element($"""<path class="{cls}" d="{d}" {attributes}""", tip);

        public void Text(double x, double y, string text, string cls, string attributes) =>
            svg.Append($"""<text class="{cls}" x="{F(x)}" y="{F(y)}" {attributes}>{SecurityElement.Escape(text)}</text>""").Append('\n');

        private void Element(string open, string? tip) =>
            svg.Append(open).Append(tip == null ? "/>\n" : $"><title>{SecurityElement.Escape(tip)}</title></{open[1..open.IndexOf(' ', StringComparison.Ordinal)]}>\n");
    }
}
