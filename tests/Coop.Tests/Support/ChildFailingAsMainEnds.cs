namespace Coop.Tests.Support;

/// <summary>A program whose only error is easy to drop: main starts a child named "late" that fails
/// with a FormatException("late") in the very pass in which main ends. The loop's shutdown and the
/// explorer must both still see it (EventLoopShutdownTests, ExploreTests).</summary>
internal static class ChildFailingAsMainEnds
{
    public static async Coroutine Program()
    {
        _ = EventLoop.Current.CreateTask(Throws(), "late");
        await Coroutine.Yield(); // the child fails in the same pass as main ends
    }

    private static async Coroutine Throws()
    {
        await Task.CompletedTask; // completes synchronously: no suspension
        throw new FormatException("late");
    }
}
