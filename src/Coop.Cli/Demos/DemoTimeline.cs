// `coop demo NAME --timeline out.svg --trace out.json`: what the demo records and where it goes. A
// demo that supports it (Demo.RecordsTimeline) hands its loop to Observe once it has made it; the CLI
// writes the files after the run.
namespace Coop.Cli.Demos;

/// <summary>The timeline a demo run records, and the files it is written to.</summary>
/// <param name="SvgPath">Where the picture goes (null for none).</param>
/// <param name="TracePath">Where the Chrome trace goes (null for none).</param>
internal sealed class DemoTimeline(string? SvgPath, string? TracePath)
{
    private TimelineAxis _axis;

    /// <summary>The recorder, once the demo has made its loop.</summary>
    public TimelineRecorder? Recorder { get; private set; }

    /// <summary>Records <paramref name="loop"/>; short steps of a task that yielded and ran again
    /// within <paramref name="mergeStepsWithin"/> count as one box (an endless demo steps millions of
    /// times); the picture's axis is <paramref name="axis"/> (the order of the steps, for a run over
    /// in microseconds).</summary>
    public void Observe(EventLoop loop, TimeSpan mergeStepsWithin = default, TimelineAxis axis = TimelineAxis.Time)
    {
        _axis = axis;
        if (Recorder != null)
        {
            throw new InvalidOperationException("The demo handed the timeline a second loop: it records one.");
        }

        Recorder = TimelineRecorder.Attach(loop, mergeStepsWithin);
    }

    /// <summary>Puts <paramref name="label"/> on the running task's lane (a message printed).</summary>
    public void Mark(string label) => Recorder?.Mark(label);

    /// <summary>Writes the files asked for; returns what it wrote, for the user.</summary>
    public IEnumerable<string> Write(string title)
    {
        if (Recorder == null)
        {
            throw new InvalidOperationException("The demo ended without handing its loop to the timeline.");
        }

        if (SvgPath != null)
        {
            using var svg = new StreamWriter(SvgPath);
            Recorder.WriteSvg(svg, title, _axis);
            yield return $"Wrote the timeline picture to {SvgPath} ({Recorder.Events.Count} events{(Recorder.IsTruncated ? ", truncated" : "")}).";
        }

        if (TracePath != null)
        {
            using (var trace = File.Create(TracePath))
            {
                Recorder.WriteChromeTrace(trace);
            }

            yield return $"Wrote the Chrome trace to {TracePath} (open it in https://ui.perfetto.dev or chrome://tracing).";
        }
    }
}
