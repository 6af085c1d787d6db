namespace Coop.Tests.Support;

/// <summary>Runs a loop until it has nothing to do right now (bounded): every ready callback, post
/// and due timer has run, and what is left waits for a later deadline. With a ManualClock this
/// steps a program through time without ever sleeping.</summary>
public static class Iterations
{
    public static void RunUntilIdle(EventLoop loop) => Bounded.Run(() => loop.Run(until: () => !loop.HasWorkDue));
}
