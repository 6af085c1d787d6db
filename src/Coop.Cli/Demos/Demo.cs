// A demo of `coop demo NAME`. Each demo is one file in this folder, deriving from Demo; the catalog
// finds them by reflection, so adding a demo touches no other file. Demos write to Context.Out so
// tests can check their output.
namespace Coop.Cli.Demos;

/// <summary>One runnable demo.</summary>
internal abstract class Demo
{
    /// <summary>The name typed after <c>coop demo</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line for the list.</summary>
    public abstract string Summary { get; }

    /// <summary>Where the demo sits in the list: the talk's reading order first.</summary>
    public abstract int Order { get; }

    /// <summary>For a demo that runs for more than a second: what the progress display says while it
    /// runs (on a terminal), given the demo's --seconds. Null for a demo done within a second.</summary>
    public virtual string? ProgressText(double seconds) => null;

    /// <summary>True for a demo that records a timeline (<c>--timeline</c>, <c>--trace</c>): it hands
    /// its loop to <see cref="DemoContext.Timeline"/>.</summary>
    public virtual bool RecordsTimeline => false;

    /// <summary>Runs the demo; returns the process exit code (Coop.Cli.ExitCode).</summary>
    public abstract int Run(DemoContext context);
}

/// <summary>What a demo runs with: where to write, how long an endless demo may run, and the
/// timeline to record, if one was asked for.</summary>
/// <param name="Out">Where the demo prints.</param>
/// <param name="Seconds">How long an endless demo runs before it stops itself.</param>
/// <param name="Timeline">The timeline to hand the demo's loop to (--timeline, --trace), or null.</param>
internal sealed record DemoContext(TextWriter Out, double Seconds, DemoTimeline? Timeline = null);
