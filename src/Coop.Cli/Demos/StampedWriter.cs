// A TextWriter that starts every line with the time since the demo began ("[ 2.5s] "), so the
// endless demos show when each line was printed, and a stall shows as a jump in the stamps.
// It remembers when each line began, for the demos' summaries. Written on the loop thread only.
using System.Globalization;
using System.Text;

namespace Coop.Cli.Demos;

/// <summary>Writes to <paramref name="inner"/>, stamping each line with the seconds elapsed since
/// <paramref name="start"/> (a <see cref="TimeProvider.GetTimestamp"/> of <paramref name="clock"/>),
/// and calling <paramref name="lineBegins"/>, if given, as each line begins (a timeline's mark).</summary>
internal sealed class StampedWriter(TextWriter inner, TimeProvider clock, long start, Action? lineBegins = null) : TextWriter
{
    private readonly List<double> _lineTimes = [];
    private bool _atLineStart = true;

    public override Encoding Encoding => inner.Encoding;

    /// <summary>When each line began, in seconds since the start.</summary>
    public IReadOnlyList<double> LineTimes => _lineTimes;

    public double Elapsed => clock.GetElapsedTime(start).TotalSeconds;

    public override void Write(char value)
    {
        if (_atLineStart)
        {
            var now = Elapsed;
            _lineTimes.Add(now);
            lineBegins?.Invoke();
            inner.Write(Stamp(now));
            _atLineStart = false;
        }

        inner.Write(value);
        if (value == '\n')
        {
            _atLineStart = true;
        }
    }

    public static string Stamp(double seconds) => string.Create(CultureInfo.InvariantCulture, $"[{seconds,4:0.0}s] ");
}
