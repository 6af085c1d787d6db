using System.Text;
using Coop.Tests.Support;

namespace Coop.Tests.Processes;

/// <summary>Shared bits of the process tests: a bounded loop that starts children one way, and small
/// readers.</summary>
internal static class ProcessTest
{
    public static EventLoopOptions Options(ChildKind kind) =>
        new() { Poller = kind == ChildKind.DotnetPortable ? PollerKind.Portable : PollerKind.Epoll };

    public static void Run(ChildKind kind, Func<Coroutine> main, TimeSpan? limit = null) =>
        Bounded.Run(() => EventLoop.Run(Prepared(kind, main), Options(kind)), limit);

    public static T Run<T>(ChildKind kind, Func<Coroutine<T>> main, TimeSpan? limit = null) =>
        Bounded.Run(() => EventLoop.Run(Prepared(kind, main), Options(kind)), limit);

    /// <summary>Receives until end of file.</summary>
    public static async Coroutine<string> ReadToEnd(ByteStream stream)
    {
        var all = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReceiveAsync(buffer);
            if (n == 0)
            {
                return Encoding.UTF8.GetString(all.ToArray());
            }

            all.Write(buffer, 0, n);
        }
    }

    /// <summary>True while a process with this id exists (running or zombie).</summary>
    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");

    private static async Coroutine Prepared(ChildKind kind, Func<Coroutine> main)
    {
        EventLoop.Current.ForceDotnetChildren = kind != ChildKind.Pidfd;
        await main();
    }

    private static async Coroutine<T> Prepared<T>(ChildKind kind, Func<Coroutine<T>> main)
    {
        EventLoop.Current.ForceDotnetChildren = kind != ChildKind.Pidfd;
        return await main();
    }
}
