using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class StampedWriterTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => 10;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void Write_EachLine_StartsWithTheSecondsSinceStart()
    {
        var clock = new ManualClock { Ticks = 100 };
        var inner = new StringWriter();
        var writer = new StampedWriter(inner, clock, start: 100);
        writer.WriteLine("first");
        clock.Ticks = 125;
        writer.Write("sec");
        clock.Ticks = 200; // a line is stamped when it begins, not when it ends
        writer.WriteLine("ond");
        clock.Ticks = 300;
        writer.WriteLine("third");

        var nl = Environment.NewLine;
        Assert.Equal($"[ 0.0s] first{nl}[ 2.5s] second{nl}[20.0s] third{nl}", inner.ToString());
        Assert.Equal([0.0, 2.5, 20.0], writer.LineTimes);
    }
}
