// The child the process tests signal (tests/Coop.Tests/Processes/InterruptionTests.cs). Each mode is a
// program written the way a user would write one around EventLoop.Run; it prints what it sees, one
// line at a time, so that the test can follow it and send the next signal at the right moment.
using System.Runtime.InteropServices;
using Coop;

Console.Out.Flush();
RestoreDefaultAction(2);  // SIGINT
RestoreDefaultAction(15); // SIGTERM

switch (args.Length > 0 ? args[0] : "")
{
    case "interrupt":
        EventLoop.Run(Waits());
        Console.WriteLine("after Run"); // never printed: an uncaught interrupt ends the process
        return 0;

    case "slow-cleanup":
        EventLoop.Run(CleansUpSlowly());
        return 0;

    case "handles":
        var result = EventLoop.Run(HandlesItself());
        Console.WriteLine($"Run returned {result}");
        return result;

    case "catches":
        try
        {
            EventLoop.Run(Waits());
        }
        catch (InterruptedException e)
        {
            Console.WriteLine($"caught {e.GetType().Name} {e.Signal} {e.ExitCode}");
            return e.ExitCode;
        }

        return 0;

    case "own-handler":
        EventLoop.Run(OwnHandler());
        return 0;

    default:
        Console.Error.WriteLine("usage: Coop.Tests.Child interrupt|slow-cleanup|handles|catches|own-handler");
        return 2;
}

// The main coroutine waits; a second task waits too. On the interrupt both see the cancellation.
static async Coroutine Waits()
{
    var worker = EventLoop.Current.CreateTask(Worker(), "worker");
    try
    {
        Console.WriteLine("ready");
        await Coroutine.Sleep(60);
    }
    catch (CanceledException e)
    {
        Console.WriteLine($"main canceled: {e.Message}");
        throw;
    }
    finally
    {
        Console.WriteLine("main finally");
    }

    await worker;
}

static async Coroutine Worker()
{
    try
    {
        await Coroutine.Sleep(60);
    }
    finally
    {
        Console.WriteLine("worker finally");
    }
}

// Cleanup that takes long: the test sends a second signal while it runs.
static async Coroutine CleansUpSlowly()
{
    try
    {
        Console.WriteLine("ready");
        await Coroutine.Sleep(60);
    }
    finally
    {
        Console.WriteLine("cleanup started");
        await CancelScope.Shielded(async _ => await Coroutine.Sleep(30));
        Console.WriteLine("cleanup done");
    }
}

// Catches the interrupt and returns normally: Run returns, the program goes on.
static async Coroutine<int> HandlesItself()
{
    try
    {
        Console.WriteLine("ready");
        await Coroutine.Sleep(60);
        return 0;
    }
    catch (CanceledException)
    {
        Console.WriteLine("main handled the interrupt");
        return 3;
    }
}

// A handler of its own for SIGINT replaces Run's: the program decides when to stop.
static async Coroutine OwnHandler()
{
    var loop = EventLoop.Current;
    var stop = new CoopEvent();
    var count = 0;
    loop.AddSignalHandler(PosixSignal.SIGINT, () =>
    {
        count++;
        Console.WriteLine($"SIGINT {count} on the loop thread: {EventLoop.TryGetCurrent(out var current) && current == loop}");
        if (count == 2)
        {
            stop.Set();
        }
    });
    Console.WriteLine("ready");
    await stop.WaitAsync();
    Console.WriteLine("stopping after two");
}

// A test process may inherit SIGINT or SIGTERM ignored (a shell's background job does), and .NET
// leaves ignored signals ignored: give them back their default action, unless something already
// installed a handler (then put that handler back).
static void RestoreDefaultAction(int signal)
{
    var previous = Native.Signal(signal, 0);
    if (previous != 1)
    {
        Native.Signal(signal, previous);
    }
}

internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "signal")]
    public static partial nint Signal(int signal, nint handler);
}
