// Structured concurrency in a few lines: a task group whose failing child cancels its siblings (and
// the errors surface together), a move-on-after scope that gives up on slow work, and a gather.
// docs/structure.md is the chapter this demo illustrates.
namespace Coop.Cli.Demos;

/// <summary>A task group, a cancel scope with a deadline, and a gather.</summary>
internal sealed class StructureDemo : Demo
{
    public override string Name => "structure";

    public override string Summary => "task groups, cancel scopes with deadlines, gather (docs/structure.md)";

    public override int Order => 200;

    public override int Run(DemoContext context)
    {
        EventLoop.Run(Show(context.Out));
        return 0;
    }

    private static async Coroutine Show(TextWriter output)
    {
        output.WriteLine("> a task group: one child fails, its siblings are canceled");
        try
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Worker(output, "steady", 5));
                group.Start(Worker(output, "patient", 10));
                group.Start(Failing(output));
            });
        }
        catch (TaskGroupException e)
        {
            output.WriteLine($"  TaskGroupException: {string.Join("; ", e.InnerExceptions.Select(x => x.Message))}");
        }

        output.WriteLine("> CancelScope.MoveOnAfter(0.05, slow work)");
        var scope = await CancelScope.MoveOnAfter(0.05, async _ => await Worker(output, "slow", 10));
        output.WriteLine($"  moved on: {scope.CanceledCaught}");

        output.WriteLine("> Coroutine.Gather(three squares)");
        var squares = await Coroutine.Gather(Square(3), Square(1), Square(2));
        output.WriteLine($"  [{string.Join(", ", squares)}] (argument order)");
    }

    private static async Coroutine Worker(TextWriter output, string name, double seconds)
    {
        try
        {
            await Coroutine.Sleep(seconds);
            output.WriteLine($"  {name}: done");
        }
        catch (CanceledException)
        {
            output.WriteLine($"  {name}: canceled");
            throw;
        }
    }

    private static async Coroutine Failing(TextWriter output)
    {
        await Coroutine.Sleep(0.01);
        output.WriteLine("  failing: raises");
        throw new InvalidOperationException("the failing child gave up");
    }

    private static async Coroutine<int> Square(int x)
    {
        for (var i = 0; i < x; i++)
        {
            await Coroutine.Yield();
        }

        return x * x;
    }
}
