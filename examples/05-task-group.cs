#:project ../src/Coop/Coop.csproj
// 05: structured concurrency. Children cannot outlive their group; when one fails, its siblings are
// canceled and every failure surfaces together.
// Run: dotnet run examples/05-task-group.cs
using Coop;

try
{
    EventLoop.Run(Main());
}
catch (TaskGroupException e)
{
    foreach (var inner in e.InnerExceptions)
    {
        Console.WriteLine($"the group failed: {inner.GetType().Name}: {inner.Message}");
    }
}

static async Coroutine Main()
{
    await TaskGroup.Run(async group =>
    {
        group.Start(Child("steady", 1.0, fail: false));
        group.Start(Child("fragile", 0.05, fail: true));
    });
}

static async Coroutine Child(string name, double seconds, bool fail)
{
    try
    {
        await Coroutine.Sleep(seconds);
        if (fail)
        {
            throw new InvalidOperationException($"{name} broke");
        }
    }
    catch (CanceledException)
    {
        Console.WriteLine($"{name}: canceled because a sibling failed");
        throw;
    }
}
