using Coop.Cli.Demos;
using Coop.Tests.IO;

namespace Coop.Tests.Cli.Demos;

[Collection(IoSerial.Name)]
public class EchoDemoTests
{
    [Fact]
    public void Run_EveryClientGetsEachLineBack_AndTheServerStopsWithItsListenerClosed()
    {
        var (exitCode, lines) = DemoRun.Of(new EchoDemo());
        Assert.Equal(0, exitCode);

        for (var client = 1; client <= EchoDemo.Clients; client++)
        {
            for (var line = 1; line <= EchoDemo.LinesPerClient; line++)
            {
                var text = $"hello #{line} from client {client}";
                Assert.Contains($"client {client}: sent \"{text}\", got back \"{text}\"", lines);
            }

            Assert.Contains($"client {client}: the server closed too (receive returned 0)", lines);
        }

        Assert.Equal(EchoDemo.Clients, lines.Count(l => l.StartsWith("server: 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith("closing ours", StringComparison.Ordinal)));
        Assert.Equal("server stopped; listener closed: True", lines[^1]);
    }
}
