using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli.Demos;

public class StampedWriterTests
{
    [Fact]
    public void Write_EachLine_StartsWithTheSecondsSinceStart()
    {
        var clock = new HandSetClock(10) { Ticks = 100 };
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
