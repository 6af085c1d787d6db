#:project ../src/Coop/Coop.csproj
// 08: .NET Tasks inside coroutines. A plain `await task` works and resumes on the loop thread, but it
// cannot be interrupted: a timeout reaches the coroutine only when the Task ends. Awaited through
// Coroutine.FromTask, the wait can be cut short, and the token passed to the operation is canceled.
// Run: dotnet run examples/08-dotnet-tasks.cs
using System.Diagnostics;
using Coop;

EventLoop.Run(Main());

static async Coroutine Main()
{
    // Ordinary .NET async code: resumes on the loop thread, as the loop is the SynchronizationContext.
    // COOP004 (info) points to Coroutine.FromTask for such awaits; this one shows that the plain form works.
#pragma warning disable COOP004
    var text = await ReadAsync();
#pragma warning restore COOP004
    Console.WriteLine($"read: {text}");

    // A slow operation with a timeout: FromTask passes a token, canceled when the wait ends.
    var clock = Stopwatch.StartNew();
    Task? operation = null;
    try
    {
        await Coroutine.WaitFor(Coroutine.FromTask(token => operation = Task.Delay(TimeSpan.FromSeconds(30), token)), 0.1);
    }
    catch (TimeoutException)
    {
        Console.WriteLine($"gave up after {clock.ElapsedMilliseconds / 100 * 100} ms");
    }

    while (!operation!.IsCompleted)
    {
        await Coroutine.Sleep(0.01); // the token's cancellation reaches the operation on the thread pool
    }

    Console.WriteLine($"the operation itself was stopped too: {operation.IsCanceled}");
}

static async Task<string> ReadAsync()
{
    await Task.Delay(10);
    return "hello from a .NET Task";
}
