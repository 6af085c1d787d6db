#:project ../src/Coop/Coop.csproj
// 04: cancellation and timeouts. Cancel() raises CanceledException at the task's await point, and
// finally blocks run; WaitFor and cancel scopes turn deadlines into cancellation.
// Run: dotnet run examples/04-cancellation.cs
using Coop;

EventLoop.Run(Main());

static async Coroutine Main()
{
    var loop = EventLoop.Current;

    var worker = loop.CreateTask(Worker());
    await Coroutine.Sleep(0.05);
    worker.Cancel("enough");
    try
    {
        await worker;
    }
    catch (CanceledException e)
    {
        Console.WriteLine($"worker canceled: {e.Message}");
    }

    try
    {
        await Coroutine.WaitFor(Slow(), 0.05);
    }
    catch (TimeoutException)
    {
        Console.WriteLine("WaitFor: Slow() took too long and was canceled");
    }

    var scope = await CancelScope.MoveOnAfter(0.05, async _ => await Slow());
    Console.WriteLine($"MoveOnAfter: left the block quietly (deadline hit: {scope.CanceledCaught})");
}

static async Coroutine Worker()
{
    try
    {
        while (true)
        {
            await Coroutine.Sleep(0.01);
        }
    }
    finally
    {
        Console.WriteLine("worker: finally ran");
    }
}

static async Coroutine Slow() => await Coroutine.Sleep(10);
