// Benchmarks of Coop's synchronization primitives and queues (docs/benchmarks-sync.md), one
// workload per run, one JSON line on stdout as WORKLOADS.md asks. bench/sync-sweep runs these and
// the peers (bench/peers/sync_asyncio.py, and the `channels-tp` mode here: System.Threading.Channels
// on the thread pool) and prints the ratios.
//   lock         --handoffs N                         two tasks hand a CoopLock to each other N times
//   queue        --producers P --consumers C --items N --capacity K   items through a CoopQueue
//   channels-tp  same parameters: a bounded System.Threading.Channels channel, Task.Run producers/consumers
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Coop;

var workload = args.Length > 0 ? args[0] : "queue";
int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

var producers = Arg("producers", 1);
var consumers = Arg("consumers", 1);
var capacity = Arg("capacity", 100);
var repeats = Arg("repeats", 3);

string Json(string impl, string figure, double value, string parameters, string check) =>
    string.Create(CultureInfo.InvariantCulture,
        $"{{\"workload\":\"{workload}\",\"impl\":\"{impl}\",\"params\":{{{parameters}}},\"figures\":{{\"{figure}\":{value:0.0}}},\"check\":\"{check}\"}}");

switch (workload)
{
    case "lock":
    {
        var handoffs = Arg("handoffs", 1_000_000);
        var best = 0.0;
        var check = "ok";
        for (var r = 0; r < repeats; r++)
        {
            var (rate, ok) = LockHandoffs(handoffs);
            best = Math.Max(best, rate);
            check = ok ? check : "lock order broken";
        }

        Console.WriteLine(Json("coop", "handoffs_per_s", best, $"\"handoffs\":{handoffs}", check));
        break;
    }

    case "queue":
    case "channels-tp":
    {
        var items = Arg("items", 1_000_000);
        var best = 0.0;
        var check = "ok";
        for (var r = 0; r < repeats; r++)
        {
            var (rate, sum) = workload == "queue"
                ? CoopQueueRun(producers, consumers, items, capacity)
                : ThreadPoolChannelRun(producers, consumers, items, capacity);
            best = Math.Max(best, rate);
            var expected = (long)items * (items - 1) / 2;
            check = sum == expected ? check : $"sum {sum} != {expected}";
        }

        Console.WriteLine(Json(workload == "queue" ? "coop" : "dotnet-channels-threadpool", "items_per_s", best,
            $"\"producers\":{producers},\"consumers\":{consumers},\"items\":{items},\"capacity\":{capacity}", check));
        break;
    }

    default:
        Console.Error.WriteLine($"unknown workload {workload}: lock, queue, channels-tp");
        return 2;
}

return 0;

static (double Rate, bool Ok) LockHandoffs(int handoffs)
{
    var lk = new CoopLock();
    var turns = new List<int>(handoffs + 2);
    async Coroutine Player(int id, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            using (await lk.AcquireAsync())
            {
                turns.Add(id);
                await Coroutine.Yield(); // hold it across a yield, so the other is waiting: every release hands over
            }
        }
    }

    async Coroutine Main()
    {
        var loop = EventLoop.Current;
        var a = loop.CreateTask(Player(0, handoffs / 2));
        var b = loop.CreateTask(Player(1, handoffs / 2));
        await a;
        await b;
    }

    var sw = Stopwatch.StartNew();
    EventLoop.Run(Main());
    var rate = handoffs / sw.Elapsed.TotalSeconds;
    var alternating = true;
    for (var i = 1; i < turns.Count; i++)
    {
        alternating &= turns[i] != turns[i - 1];
    }

    return (rate, alternating);
}

static (double Rate, long Sum) CoopQueueRun(int producers, int consumers, int items, int capacity)
{
    var q = new CoopQueue<int>(capacity);
    long sum = 0;
    async Coroutine Produce(int from, int step)
    {
        for (var i = from; i < items; i += step)
        {
            await q.PutAsync(i);
        }
    }

    async Coroutine Consume(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var x = await q.GetAsync(); // not `sum += await ...`: that reads sum before the await
            sum += x;
        }
    }

    async Coroutine Main()
    {
        var loop = EventLoop.Current;
        var tasks = new List<CoopTask>();
        for (var p = 0; p < producers; p++)
        {
            tasks.Add(loop.CreateTask(Produce(p, producers)));
        }

        for (var c = 0; c < consumers; c++)
        {
            tasks.Add(loop.CreateTask(Consume((items / consumers) + (c < items % consumers ? 1 : 0))));
        }

        foreach (var t in tasks)
        {
            await t;
        }
    }

    var sw = Stopwatch.StartNew();
    EventLoop.Run(Main());
    return (items / sw.Elapsed.TotalSeconds, sum);
}

static (double Rate, long Sum) ThreadPoolChannelRun(int producers, int consumers, int items, int capacity)
{
    var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(capacity)
    {
        SingleReader = consumers == 1,
        SingleWriter = producers == 1,
    });
    long sum = 0;
    var sw = Stopwatch.StartNew();
    var producerTasks = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
    {
        for (var i = p; i < items; i += producers)
        {
            await channel.Writer.WriteAsync(i);
        }
    })).ToArray();
    var consumerTasks = Enumerable.Range(0, consumers).Select(_ => Task.Run(async () =>
    {
        long local = 0;
        await foreach (var x in channel.Reader.ReadAllAsync())
        {
            local += x;
        }

        Interlocked.Add(ref sum, local);
    })).ToArray();
    Task.WaitAll(producerTasks);
    channel.Writer.Complete();
    Task.WaitAll(consumerTasks);
    return (items / sw.Elapsed.TotalSeconds, sum);
}
