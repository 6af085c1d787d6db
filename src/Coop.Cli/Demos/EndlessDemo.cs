// What the endless demos (blocking, cooperative, async; not sleep, see there) share: they run until --seconds
// passes, so their progress display says how long, and that Ctrl+C ends them sooner.
using System.Globalization;

namespace Coop.Cli.Demos;

/// <summary>The progress text of a demo that runs until its time is up.</summary>
internal static class EndlessDemo
{
    public static string Progress(string name, double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}: running for {seconds:0.##} s (--seconds; Ctrl+C stops it sooner)");
}
