#:project ../src/Coop/Coop.csproj
// 03: async/await coroutines on real timers. Three tasks sleep concurrently on one thread; the loop
// uses no CPU while they wait.
// Run: dotnet run examples/03-async-sleep.cs
using Coop;

var total = EventLoop.Run(Main());
Console.WriteLine($"slept {total:F1} s in all, in about 0.3 s of wall time");

static async Coroutine<double> Main()
{
    var loop = EventLoop.Current;
    var a = loop.CreateTask(Nap("a", 0.3));
    var b = loop.CreateTask(Nap("b", 0.1));
    var c = loop.CreateTask(Nap("c", 0.2));
    return await a + await b + await c;
}

static async Coroutine<double> Nap(string name, double seconds)
{
    var loop = EventLoop.Current;
    var start = loop.Time();
    await Coroutine.Sleep(seconds);
    Console.WriteLine($"{name} woke after {loop.Time() - start:F2} s on thread {Environment.CurrentManagedThreadId}");
    return seconds;
}
