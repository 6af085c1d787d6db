using System.Runtime.CompilerServices;
using Coop.Tests.Properties.Model;
using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Core;

/// <summary>When a failure counts as unobserved (Core/UnobservedError.cs): never because passes went
/// by; when the future is collected unread, or when the loop closes with it unread; once.</summary>
public class UnobservedErrorTests
{
    private static readonly int[] Seeds = [.. Enumerable.Range(0, 12)];

    [Theory]
    [InlineData("Exception")]
    [InlineData("ResultObject")]
    [InlineData("await")]
    [InlineData("yield")]
    public void ErrorReadManyPassesAfterTheFailure_NeverReported(string how)
    {
        var errors = RunAndClose(loop =>
        {
            var failed = loop.CreateFuture<int>();
            async Coroutine Main()
            {
                failed.SetException(new FormatException("read late"));
                for (var i = 0; i < 10; i++)
                {
                    await Coroutine.Yield();
                }

                await Coroutine.Sleep(1);
                await Read(failed, how);
            }

            return Main();
        });

        Assert.Empty(errors);
    }

    [Fact]
    public void ErrorNeverRead_NotReportedWhileTheLoopRuns_ReportedOnceWhenItCloses()
    {
        var loop = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(loop);
        var task = loop.CreateTask(Fail("nobody reads me"));
        var future = loop.CreateFuture();
        Bounded.Run(() => loop.RunUntilComplete(Main()));
        Assert.Empty(errors); // a hundred passes and a long sleep later: still readable, so not lost

        loop.Close();
        loop.Close();
        Assert.Collection(
            errors,
            e =>
            {
                Assert.Equal("Task exception was never retrieved", e.Message);
                Assert.Same(task, e.Task);
                Assert.Equal("nobody reads me", e.Exception!.Message);
            },
            e =>
            {
                Assert.Equal("Future exception was never retrieved", e.Message);
                Assert.Same(future, e.Future);
                Assert.IsType<FormatException>(e.Exception);
            });

        async Coroutine Main()
        {
            await Coroutine.Yield();
            future.SetException(new FormatException("nor me"));
            for (var i = 0; i < 100; i++)
            {
                await Coroutine.Yield();
            }

            await Coroutine.Sleep(3600);
        }
    }

    [Fact]
    public void ErrorNeverRead_FutureCollected_ReportedOnceOnTheLoopThread()
    {
        var loop = new EventLoop(new VirtualClock());
        int? reportedOn = null;
        var errors = new List<LoopError>();
        loop.ExceptionHandler = ((_, e) =>
        {
            reportedOn = Environment.CurrentManagedThreadId;
            errors.Add(e);
        });
        var loopThread = 0;
        Bounded.Run(() =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            loop.RunUntilComplete(Main());
        });
        Assert.Equal("nobody holds me", Assert.Single(errors).Exception!.Message);
        Assert.Equal(loopThread, reportedOn);
        loop.Close();
        Assert.Single(errors); // and Close does not report it again

        async Coroutine Main()
        {
            FailUnreferenced(EventLoop.Current);
            while (errors.Count == 0)
            {
                CollectGarbage(); // the finalizer posts the report to the loop's inbox
                await Coroutine.Sleep(0.01);
            }
        }
    }

    [Fact]
    public void ErrorNeverRead_CollectedAfterTheLoopClosed_ReportedOnceFromTheFinalizer()
    {
        var loop = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(loop);
        loop.Close();
        FailUnreferencedWhileClosed(loop);
        Bounded.Run(() =>
        {
            while (errors.Count == 0)
            {
                CollectGarbage();
            }
        });
        CollectGarbage();
        Assert.Equal("failed after close", Assert.Single(errors).Exception!.Message);
    }

    [Fact]
    public void ErrorRead_ThenCollected_NeverReported()
    {
        var loop = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(loop);
        Bounded.Run(() => loop.RunUntilComplete(Main()));
        loop.Close();
        Assert.Empty(errors);

        async Coroutine Main()
        {
            FailUnreferenced(EventLoop.Current, read: true);
            for (var i = 0; i < 3; i++)
            {
                CollectGarbage();
                await Coroutine.Sleep(0.01);
            }
        }
    }

    // docs/structure.md recommends these ways to read errors; each must be quiet under any schedule
    // (with a seeded chooser, the waiter may run after anything else that was ready in its pass).
    [Theory]
    [InlineData("Wait done set, read after other awaits")]
    [InlineData("Wait FirstException")]
    [InlineData("AsCompleted, result read later")]
    [InlineData("Gather returnExceptions")]
    [InlineData("Gather")]
    [InlineData("TaskGroup")]
    [InlineData("generator reads TaskGroup.Close()")]
    [InlineData("generator reads a yielded Gather")]
    [InlineData("WaitFor task")]
    public void DocumentedWaysOfReadingErrors_AnySchedule_NothingReported(string path)
    {
        foreach (var seed in Seeds)
        {
            var errors = RunAndClose(loop => Scenario(path), seed);
            Assert.True(errors.Count == 0, $"{path}, seed {seed}: {string.Join("; ", errors.Select(e => e.Message))}");
        }
    }

    // The class of bug: a report decided by a count of passes races the program that reads the
    // error. Random programs fail futures and tasks at random points, read a random subset of the
    // errors at random later points (or never), under random schedules: exactly the errors nobody
    // read are reported, each once, in the order they failed, and only when the loop closes.
    [Fact]
    public void RandomFailuresReadLateOrNever_AnySchedule_UnreadReportedOnceAtClose()
    {
        // Per failure: after how many yields it fails, after how many more it is read (-1: never), and
        // whether it is a task's or a plain future's.
        var plan = Gen.Select(Gen.Int[0, 6], Gen.Int[-1, 12], Gen.Bool).Array[1, 8];
        Bounded.Run(() => Gen.Select(plan, Gen.Int).Sample((failures, seed) =>
        {
            var loop = new EventLoop(new JumpClock()) { Chooser = new RandomChooser(seed) };
            var errors = Errors.Capture(loop);
            var futures = new Future[failures.Length];
            for (var i = 0; i < failures.Length; i++)
            {
                var (failAt, readAfter, isTask) = failures[i];
                futures[i] = isTask ? loop.CreateTask(FailAfterYields(failAt, "e" + i)) : loop.CreateFuture();
                if (!isTask)
                {
                    loop.CreateTask(SetExceptionAfterYields((Future)futures[i], failAt, "e" + i));
                }

                if (readAfter >= 0)
                {
                    loop.CreateTask(ReadAfterYields(futures[i], failAt + readAfter));
                }
            }

            JumpClock.RunUntilIdle(loop);
            Assert.Empty(errors);
            loop.Close();
            var unread = failures.Select((f, i) => (f, i)).Where(x => x.f.Item2 < 0).Select(x => "e" + x.i);
            Assert.Equal(unread.Order(), errors.Select(e => e.Exception!.Message).Order());
            Assert.Equal(errors.Count, errors.Select(e => e.Exception!.Message).Distinct().Count());
        }, iter: 200, print: p => $"seed {p.Item2}: {string.Join(" ", p.Item1)}"));

        static async Coroutine FailAfterYields(int yields, string message)
        {
            for (var i = 0; i < yields; i++)
            {
                await Coroutine.Yield();
            }

            throw new FormatException(message);
        }

        static async Coroutine SetExceptionAfterYields(Future future, int yields, string message)
        {
            for (var i = 0; i < yields; i++)
            {
                await Coroutine.Yield();
            }

            future.SetException(new FormatException(message));
        }

        static async Coroutine ReadAfterYields(Future future, int yields)
        {
            for (var i = 0; i < yields || !future.IsDone; i++)
            {
                await Coroutine.Yield();
            }

            _ = future.Exception;
        }
    }

    private static Coroutine Scenario(string path) => path switch
    {
        "Wait done set, read after other awaits" => WaitDoneSet(),
        "Wait FirstException" => WaitFirstException(),
        "AsCompleted, result read later" => AsCompletedReadLater(),
        "Gather returnExceptions" => GatherReturnExceptions(),
        "Gather" => GatherFirstError(),
        "TaskGroup" => Group(),
        "generator reads TaskGroup.Close()" => RunGenerator(GeneratorGroup()),
        "generator reads a yielded Gather" => RunGenerator(GeneratorGather()),
        _ => WaitForTask(),
    };

    private static async Coroutine WaitDoneSet()
    {
        var loop = EventLoop.Current;
        var tasks = new[] { loop.CreateTask(Fail("a")), loop.CreateTask(FailLater("b")) };
        var result = await Coroutine.Wait(tasks);
        await Coroutine.Sleep(0.5); // other work first: the errors are still the program's to read
        await Coroutine.Yield();
        foreach (var done in result.Done)
        {
            Assert.IsType<InvalidOperationException>(done.Exception);
        }
    }

    private static async Coroutine WaitFirstException()
    {
        var loop = EventLoop.Current;
        var slow = loop.CreateTask(FailLater("slow"));
        var result = await Coroutine.Wait([loop.CreateTask(Fail("fast")), slow], WaitMode.FirstException);
        await Coroutine.Yield();
        _ = Assert.Single(result.Done).Exception;
        await Coroutine.Wait(result.Pending);
        _ = slow.Exception;
    }

    private static async Coroutine AsCompletedReadLater()
    {
        var loop = EventLoop.Current;
        var tasks = new[] { loop.CreateTask(Fail("a")), loop.CreateTask(FailLater("b")) };
        var seen = new List<CoopTask>();
        foreach (var next in Coroutine.AsCompleted(tasks))
        {
            seen.Add(await next);
            await Coroutine.Sleep(0.2);
        }

        foreach (var task in seen)
        {
            Assert.Throws<InvalidOperationException>(() => task.ResultObject);
        }
    }

    private static async Coroutine GatherReturnExceptions()
    {
        var results = await Coroutine.Gather([Fail("a"), FailLater("b")], returnExceptions: true);
        Assert.All(results, r => Assert.IsType<InvalidOperationException>(r));
    }

    private static async Coroutine GatherFirstError()
    {
        var loop = EventLoop.Current;
        var first = loop.CreateTask(Fail("first"));
        Assert.IsType<InvalidOperationException>(await Catch(Coroutine.Gather(first)));
    }

    private static async Coroutine Group()
    {
        try
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Fail("a"));
                group.Start(FailLater("b"));
            });
        }
        catch (TaskGroupException)
        {
        }
    }

    private static IEnumerable<object?> GeneratorGroup()
    {
        var group = new TaskGroup();
        group.Start(Fail("a"));
        var closing = group.CloseAsync();
        yield return closing;
        yield return null; // read a pass later, still quiet
        Assert.IsType<TaskGroupException>(closing.Exception);
    }

    private static IEnumerable<object?> GeneratorGather()
    {
        var gather = Coroutine.Gather(Fail("a"), Coroutine.WaitFor(Coroutine.Sleep(0.2), 1));
        yield return gather;
        yield return Coroutine.Sleep(0.3);
        Assert.IsType<InvalidOperationException>(gather.Exception);
    }

    private static async Coroutine RunGenerator(IEnumerable<object?> generator) =>
        await EventLoop.Current.CreateTask(generator);

    private static async Coroutine WaitForTask()
    {
        var task = EventLoop.Current.CreateTask(FailLater("late"));
        try
        {
            await Coroutine.WaitFor(task, 5);
            Assert.Fail("WaitFor should raise the task's error");
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static List<LoopError> RunAndClose(Func<EventLoop, Coroutine> main, int? seed = null)
    {
        using var loop = new EventLoop(new VirtualClock());
        if (seed is { } s)
        {
            loop.Chooser = new RandomChooser(s);
        }

        var errors = Errors.Capture(loop);
        Bounded.Run(() => loop.RunUntilComplete(main(loop)));
        loop.Close();
        return errors;
    }

    private static async Coroutine Read(Future future, string how)
    {
        switch (how)
        {
            case "Exception":
                Assert.IsType<FormatException>(future.Exception);
                break;
            case "ResultObject":
                Assert.Throws<FormatException>(() => future.ResultObject);
                break;
            case "await":
                Assert.IsType<FormatException>(await Catch(future));
                break;
            default:
                await EventLoop.Current.CreateTask(YieldAndRead(future));
                break;
        }
    }

    private static async Coroutine<Exception?> Catch(Future future)
    {
        try
        {
            await future;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static IEnumerable<object?> YieldAndRead(Future future)
    {
        yield return future;
        _ = future.Exception;
    }

    private static async Coroutine Fail(string message)
    {
        await Coroutine.Yield();
        throw new InvalidOperationException(message);
    }

    private static async Coroutine FailLater(string message)
    {
        await Coroutine.Sleep(0.1);
        throw new InvalidOperationException(message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // so no local of the caller keeps the future alive
    private static void FailUnreferenced(EventLoop loop, bool read = false)
    {
        var future = loop.CreateFuture();
        future.SetException(new FormatException("nobody holds me"));
        if (read)
        {
            _ = future.Exception;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailUnreferencedWhileClosed(EventLoop closed)
    {
        // A future made before the close and failed after it (the loop no longer runs, so any
        // thread may complete it).
        var future = new Future(closed);
        future.SetException(new FormatException("failed after close"));
    }

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
