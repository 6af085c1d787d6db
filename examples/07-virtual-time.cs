#:project ../src/Coop/Coop.csproj
#:project ../src/Coop.Testing/Coop.Testing.csproj
// 07: deterministic testing. On a virtual clock a day of sleeping takes milliseconds, and exploring
// seeded schedules finds the interleaving in which a check-then-act race breaks.
// Run: dotnet run examples/07-virtual-time.cs
using System.Diagnostics;
using Coop;
using Coop.Testing;

var clock = new VirtualClock();
var wall = Stopwatch.StartNew();
EventLoop.Run(ADay(), clock);
Console.WriteLine($"slept {clock.Elapsed.TotalHours} virtual hours in {wall.ElapsedMilliseconds} ms");

// Plain FIFO passes; exploring seeded schedules finds the one that overdraws, and shrinks it.
var result = Explore.Search(Race, new ExploreOptions { Schedules = 100 });
Console.WriteLine(result.Report());

static async Coroutine ADay()
{
    for (var hour = 0; hour < 24; hour++)
    {
        await Coroutine.Sleep(3600);
    }
}

// Two tasks withdraw from one balance, checking and debiting across an await. B first logs in.
static async Coroutine Race()
{
    var balance = 100;
    async Coroutine Withdraw(int amount, int logins)
    {
        for (var i = 0; i < logins; i++)
        {
            await Coroutine.Yield();
        }

        if (balance >= amount)
        {
            await Coroutine.Yield(); // e.g. a database round trip
            balance -= amount;
        }
    }

    var loop = EventLoop.Current;
    var a = loop.CreateTask(Withdraw(80, logins: 0), "A");
    var b = loop.CreateTask(Withdraw(80, logins: 1), "B");
    await a;
    await b;
    if (balance < 0)
    {
        throw new InvalidOperationException($"overdrawn: balance {balance}");
    }
}
