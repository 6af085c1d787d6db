using Coop.Tests.Support;

namespace Coop.Tests.Sync;

/// <summary>Shared bits of the Sync tests: run a coroutine on a bounded loop, let the loop turn.</summary>
internal static class SyncTest
{
    public static void Run(Func<Coroutine> main) => Bounded.Run(() => EventLoop.Run(main()));

    public static async Coroutine Ticks(int n)
    {
        for (var i = 0; i < n; i++)
        {
            await Coroutine.Yield();
        }
    }

    public static async Coroutine Await(Future f) => await f;

    public static async Coroutine<T> Await<T>(Future<T> f) => await f;
}
