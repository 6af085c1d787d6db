using Coop.Tests.Support;

namespace Coop.Tests.Structure;

/// <summary>The examples of docs/structure.md, as shown there (with small helpers to make them run),
/// so the chapter cannot drift from the API.</summary>
public class StructureDocsTests
{
    private static readonly StringWriter Out = new();

    private static async Coroutine Fetch(string what)
    {
        await Coroutine.Sleep(0);
        Out.WriteLine("fetched " + what);
    }

    private static async Coroutine<int> Size(string what)
    {
        await Coroutine.Yield();
        return what.Length;
    }

    private static async Coroutine Worker(int n)
    {
        await Coroutine.Yield();
        if (n == 2)
        {
            throw new InvalidOperationException("worker " + n);
        }
    }

    private static async Coroutine Risky()
    {
        await Coroutine.Yield();
        throw new FormatException("risky");
    }

    private static async Coroutine Flush() => await Coroutine.Yield();

    private static async Coroutine Download() => await Coroutine.Sleep(100);

    [Fact]
    public void TaskGroupExample_ResultReadyAfterTheBlock()
    {
        async Coroutine<int> Main()
        {
            var size = await TaskGroup.Run(async group =>
            {
                group.Start(Fetch("a"));                 // start and forget (Trio's start_soon)
                var task = group.CreateTask(Size("b"));  // start and keep the task (asyncio's create_task)
                await Coroutine.Sleep(0.01);             // the body can do its own work meanwhile
                return task;
            });                                          // ← waits here for every child

            return size.Result;                          // every child has ended here
        }

        Assert.Equal(1, Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock())));
    }

    [Fact]
    public void TaskGroupCatchExample_ListsTheErrors()
    {
        async Coroutine<List<string>> Main()
        {
            var messages = new List<string>();
            try
            {
                await TaskGroup.Run(async group =>
                {
                    group.Start(Worker(1));
                    group.Start(Worker(2));
                });
            }
            catch (TaskGroupException e)
            {
                foreach (var error in e.InnerExceptions)
                {
                    messages.Add(error.Message);
                }
            }

            return messages;
        }

        Assert.Equal(["worker 2"], Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock())));
    }

    [Fact]
    public void TaskGroupRunExample_BodyErrorFirst()
    {
        async Coroutine Main()
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Worker(1));
                await Risky();
            });
        }

        var error = Assert.Throws<TaskGroupException>(() => Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock())));
        Assert.IsType<FormatException>(error.InnerExceptions[0]);
    }

    [Fact]
    public void ScopeExample_StoppedEarly()
    {
        async Coroutine<bool> Main()
        {
            var scope = new CancelScope();
            EventLoop.Current.CallLater(0.01, scope.Cancel); // StartSomethingThatMayCallCancel(scope)
            await scope.RunAsync(async s =>
            {
                try
                {
                    await Coroutine.Sleep(60);
                }
                finally
                {
                    await Flush();   // raises CanceledException again if the scope was canceled
                }
            });
            return scope.CanceledCaught;
        }

        Assert.True(Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock())));
    }

    [Fact]
    public void DeadlineExamples_MoveOnAndFail()
    {
        async Coroutine<(bool, int)> Main()
        {
            var scope = await CancelScope.MoveOnAfter(0.01, async _ => await Download());
            var page = await CancelScope.FailAfter(2, async _ => await Size("page"));
            await CancelScope.FailAt(EventLoop.Current.Time() + 5, async _ => await Flush());
            return (scope.CanceledCaught, page);
        }

        Assert.Equal((true, 4), Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock())));
    }

    [Fact]
    public void ShieldedCleanupExample_FinishesWhileCanceled()
    {
        var saidGoodbye = false;
        async Coroutine Serve() => await Coroutine.Sleep(100);
        async Coroutine SayGoodbye()
        {
            await Coroutine.Sleep(0.01);
            saidGoodbye = true;
        }

        async Coroutine Connection()
        {
            try
            {
                await Serve();
            }
            finally
            {
                await CancelScope.Shielded(async _ => await SayGoodbye());
            }
        }

        async Coroutine Main() => await CancelScope.MoveOnAfter(0.01, _ => Connection());

        Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.True(saidGoodbye);
    }

    [Fact]
    public void AsCompletedExample_PrintsInCompletionOrder()
    {
        async Coroutine<List<int>> Main()
        {
            var loop = EventLoop.Current;
            var tasks = new[] { loop.CreateTask(Size("three")), loop.CreateTask(Size("a")) };
            var printed = new List<int>();
            foreach (var next in Coroutine.AsCompleted(tasks))
            {
                var task = await next;
                printed.Add(task.Result);
            }

            return printed;
        }

        var printed = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal(2, printed.Count);
    }

    [Fact]
    public void GeneratorExample_ReturnsTheChildsResult()
    {
        static IEnumerable<object?> ChildA()
        {
            yield return null;
        }

        static IEnumerable<object?> Parent()
        {
            var group = new TaskGroup();
            group.Start(ChildA());                  // a generator or an async coroutine
            var b = group.CreateTask(Size("abc"));  // an async Coroutine<int>: b is a CoopTask<int>
            var closing = group.CloseAsync();     // no more body: wait for the children
            yield return closing;
            _ = closing.Result;              // raises the TaskGroupException, if any
            yield return Coroutine.Return(b.Result);
        }

        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            return loop.RunUntilComplete(Parent());
        });
        Assert.Equal(3, result);
    }
}
