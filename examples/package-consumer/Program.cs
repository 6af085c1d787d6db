// A first program against the Coop package: two coroutines sleep at once on the event loop.
using Coop;

var sum = EventLoop.Run(Main());
Console.WriteLine($"sum: {sum}");

static async Coroutine<int> Main()
{
    var loop = EventLoop.Current;
    var slow = loop.CreateTask(After(0.02, 2));
    var fast = loop.CreateTask(After(0.01, 1));
    return await slow + await fast;
}

static async Coroutine<int> After(double seconds, int value)
{
    await Coroutine.Sleep(seconds);
    return value;
}
