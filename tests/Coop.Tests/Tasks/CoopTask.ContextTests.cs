using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

/// <summary>Each task has its own ExecutionContext (asyncio's per-task contextvars): AsyncLocal values
/// set in a task stay with it, a new task starts with its creator's, and nothing leaks into other
/// tasks, into the loop's callbacks or into the code that ran the loop.</summary>
public class CoopTaskContextTests
{
    private static readonly AsyncLocal<string?> RequestId = new();

    [Fact]
    public void AValueSetInATask_StaysWithItAcrossAwaits_AndOtherTasksDoNotSeeIt()
    {
        var log = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal(["A after yield: a", "B sees: (none)", "A after sleep: a", "B after A's sleep: (none)"], log);

        static async Coroutine<List<string>> Main()
        {
            var log = new List<string>();
            var loop = EventLoop.Current;
            var a = loop.CreateTask(A(log));
            var b = loop.CreateTask(B(log));
            await a;
            await b;
            return log;
        }

        static async Coroutine A(List<string> log)
        {
            RequestId.Value = "a";
            await Coroutine.Yield();
            log.Add("A after yield: " + (RequestId.Value ?? "(none)"));
            await Coroutine.Sleep(1);
            log.Add("A after sleep: " + (RequestId.Value ?? "(none)"));
        }

        static async Coroutine B(List<string> log)
        {
            await Coroutine.Yield();
            log.Add("B sees: " + (RequestId.Value ?? "(none)"));
            await Coroutine.Sleep(2);
            log.Add("B after A's sleep: " + (RequestId.Value ?? "(none)"));
        }
    }

    [Fact]
    public void ANewTask_StartsWithItsCreatorsValues_AndItsOwnChangesStayItsOwn()
    {
        var (childSaw, parentAfter) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal("parent", childSaw);
        Assert.Equal("parent", parentAfter);

        static async Coroutine<(string?, string?)> Main()
        {
            RequestId.Value = "parent";
            string? childSaw = null;
            await EventLoop.Current.CreateTask(Child());
            return (childSaw, RequestId.Value);

            async Coroutine Child()
            {
                childSaw = RequestId.Value;
                RequestId.Value = "child";
                await Coroutine.Yield();
            }
        }
    }

    [Fact]
    public void GeneratorTasks_HaveTheirOwnToo()
    {
        var seen = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            var seen = new List<string>();
            var a = loop.CreateTask(Setter(seen));
            var b = loop.CreateTask(Reader(seen));
            loop.RunUntilComplete(Coroutine.Gather(a, b));
            return seen;
        });

        Assert.Equal(["reader: (none)", "setter: g"], seen);

        static IEnumerable<object?> Setter(List<string> seen)
        {
            RequestId.Value = "g";
            yield return null;
            yield return null;
            seen.Add("setter: " + RequestId.Value);
        }

        static IEnumerable<object?> Reader(List<string> seen)
        {
            yield return null;
            seen.Add("reader: " + (RequestId.Value ?? "(none)"));
        }
    }

    [Fact]
    public void LoopCallbacksAndTheCallerAfterTheRun_SeeTheLoopsOwnContext()
    {
        string? inCallback = "not run";
        RequestId.Value = null;
        Bounded.Run(() =>
        {
            RequestId.Value = "caller";
            EventLoop.Run(Main());
            Assert.Equal("caller", RequestId.Value); // the run left the caller's context as it was
        });

        Assert.Equal("caller", inCallback);

        async Coroutine Main()
        {
            RequestId.Value = "task";
            EventLoop.Current.CallSoon(() => inCallback = RequestId.Value);
            await Coroutine.Yield();
            await Coroutine.Yield();
        }
    }

    [Fact]
    public void ATaskThatClearsItsValue_IsBackInTheLoopsContext()
    {
        var values = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal(["set", "(none)", "(none)"], values);

        static async Coroutine<List<string>> Main()
        {
            var values = new List<string>();
            RequestId.Value = "set";
            await Coroutine.Yield();
            values.Add(RequestId.Value ?? "(none)");
            RequestId.Value = null;
            await Coroutine.Yield();
            values.Add(RequestId.Value ?? "(none)");
            await Coroutine.Sleep(1);
            values.Add(RequestId.Value ?? "(none)");
            return values;
        }
    }
}
