using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

/// <summary>Tasks/CoopTask.Cancellation.cs: the door (cancellation at every await point of a small
/// structured program, through both faces: the one-shot task.Cancel() and a cancel scope), and the
/// token a task hands to .NET code, which every way of canceling must cancel.</summary>
public class CoopTaskCancellationTests
{
    private sealed class Log
    {
        public int ChildrenStarted;
        public int ChildFinallies;
        public int ScopeFinallies;
        public bool MainFinally;
        public bool Completed;
    }

    private static async Coroutine Child(Log log)
    {
        log.ChildrenStarted++;
        try
        {
            await Coroutine.Yield();
            await Coroutine.Sleep(0);
            await Coroutine.Yield();
        }
        finally
        {
            log.ChildFinallies++;
        }
    }

    private static async Coroutine<int> Leaf()
    {
        await Coroutine.Yield();
        return 1;
    }

    /// <summary>A program with every kind of await: yield, sleep, a task group (body and close),
    /// a cancel scope, a nested coroutine, a gather, awaits in finally blocks.</summary>
    private static async Coroutine Program(Log log)
    {
        try
        {
            await Coroutine.Yield();
            await TaskGroup.Run(async group =>
            {
                group.Start(Child(log));
                group.Start(Child(log));
                await Coroutine.Sleep(0);
            });

            await CancelScope.MoveOnAfter(100, async _ =>
            {
                try
                {
                    await Coroutine.Yield();
                    await Leaf();
                }
                finally
                {
                    log.ScopeFinallies++;
                    await CancelScope.Shielded(async _ => await Coroutine.Yield()); // cleanup that awaits
                }
            });
            await Coroutine.Gather(Leaf(), Leaf());
            await Coroutine.Sleep(0);
            log.Completed = true;
        }
        finally
        {
            log.MainFinally = true;
        }
    }

    private static async Coroutine Settle() => await Coroutine.Sleep(0);

    /// <summary>Cancels the watched task right after its k-th step (the k-th time it suspended).</summary>
    private sealed class CancelAfterStep(int k, Action<CoopTask> cancel) : LoopInstrument
    {
        public CoopTask? Target { get; set; }

        public int Steps { get; private set; }

        public override void AfterTaskStep(CoopTask task)
        {
            if (task == Target && !task.IsDone && ++Steps == k)
            {
                cancel(task);
            }
        }
    }

    private static (Log Log, CoopTask Task, int Leftovers, int Steps) RunCanceledAt(int k, bool viaScope)
    {
        return Bounded.Run(() =>
        {
            var log = new Log();
            using var loop = new EventLoop(new VirtualClock());
            var errors = new List<LoopError>();
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            var outer = new CancelScope();
            var instrument = new CancelAfterStep(k, t =>
            {
                if (viaScope)
                {
                    outer.Cancel();
                }
                else
                {
                    t.Cancel();
                }
            });
            loop.Instrument = instrument;
            var task = viaScope
                ? loop.CreateTask(outer.RunAsync(_ => Program(log)))
                : loop.CreateTask(Program(log));
            instrument.Target = task;
            if (k == 0)
            {
                // Before its first step: a task canceled so never runs its coroutine; a scope
                // canceled so raises at the body's first await.
                if (viaScope)
                {
                    outer.Cancel();
                }
                else
                {
                    task.Cancel();
                }
            }

            try
            {
                loop.RunUntilComplete((Future)task);
            }
            catch (CanceledException)
            {
            }

            Assert.Empty(errors);

            // A gather is not structured (asyncio's semantics): its children, canceled with the
            // waiter, end on their next step, after it. One more pass lets them; a task group's
            // children never need it (TaskGroupTests checks they are done when the block ends).
            loop.Instrument = null;
            loop.RunUntilComplete(Settle());
            var left = loop.AllTasks();
            Assert.True(left.Count == 0, $"k={k}: left " + string.Join(", ", left));
            return (log, task, left.Count, instrument.Steps);
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CancelAtEveryAwait_FinallyBlocksRunAndNoTaskLeaks(bool viaScope)
    {
        var completedOnce = false;
        var k = 0;
        for (; k <= 60 && !completedOnce; k++)
        {
            var (log, task, leftovers, steps) = RunCanceledAt(k, viaScope);
            Assert.True(task.IsDone, $"k={k}");
            Assert.True(log.MainFinally || (k == 0 && !viaScope), $"k={k}: the main finally block did not run");
            Assert.Equal(log.ChildrenStarted, log.ChildFinallies);
            Assert.Equal(0, leftovers);
            if (log.Completed)
            {
                // k is past the program's last await: nothing was canceled.
                Assert.True(steps < k, $"k={k}: canceled at step {steps} yet completed");
                completedOnce = true;
            }
            else if (viaScope)
            {
                Assert.False(task.IsCanceled, $"k={k}: the scope must catch its own cancellation");
            }
            else
            {
                Assert.True(task.IsCanceled, $"k={k}: the task must end canceled");
            }
        }

        Assert.True(completedOnce, "the program never ran to completion: raise the bound on k");
        Assert.True(k - 2 >= 8, $"the program suspended only {k - 2} times (8 expected): the instrument did not watch it");
    }

    [Fact]
    public void ShieldedCancel_ThenSuspendAfterLeaving_RaisesAtOnce()
    {
        var canceled = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.True(canceled);

        static async Coroutine<bool> Main()
        {
            var task = EventLoop.Current.CreateTask(Victim());
            await Coroutine.Yield();
            task.Cancel(); // arrives while shielded: held until the shield is left
            await Coroutine.Wait([task]);
            return task.IsCanceled;
        }

        static async Coroutine Victim()
        {
            await CancelScope.Shielded(async _ => await Coroutine.Sleep(0.01));
            await Coroutine.Sleep(1000); // parks with the cancellation pending: must not hang
        }
    }

    // ---- The token handed to .NET code --------------------------------------------------------

    /// <summary>A BCL operation that ends only when its token is canceled (no wall-clock time).</summary>
    private static Task UntilCanceled(CancellationToken token) => Task.Delay(Timeout.Infinite, token);

    [Fact]
    public void CancellationToken_InsideACanceledScope_IsCanceledAndOutsideItIsNot()
    {
        var (inside, outside) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.True(inside);
        Assert.False(outside);

        static async Coroutine<(bool Inside, bool Outside)> Main()
        {
            CancellationToken token = default;
            await CancelScope.MoveOnAfter(1, async scope =>
            {
                token = CoopTask.Current!.CancellationToken;
                Assert.False(token.IsCancellationRequested);
                scope.Cancel();
                await Coroutine.Yield();
            });
            return (token.IsCancellationRequested, CoopTask.Current!.CancellationToken.IsCancellationRequested);
        }
    }

    [Fact]
    public void CancellationToken_FailAfterAroundABclCall_TheCallEndsAtTheDeadlineAsATimeout()
    {
        // Wall clock on purpose: a virtual clock does not move while a BCL wait is pending.
        var (error, elapsed) = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.IsType<TimeoutException>(error);
        Assert.True(elapsed < 5, $"the call ended {elapsed:0.00} s after it began, not at its 0.05 s deadline");

        static async Coroutine<(Exception? Error, double Elapsed)> Main()
        {
            var start = EventLoop.Current.Time();
            try
            {
                await CancelScope.FailAfter(0.05, async _ => await UntilCanceled(CoopTask.Current!.CancellationToken));
                return (null, 0);
            }
            catch (TimeoutException e)
            {
                return (e, EventLoop.Current.Time() - start);
            }
        }
    }

    [Fact]
    public void CancellationToken_ChildOfATaskGroupInABclCall_ASiblingsFailureEndsTheGroupAtOnce()
    {
        var (error, waiter) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.IsType<FormatException>(Assert.Single(error.InnerExceptions));
        Assert.True(waiter.IsCanceled, "the waiting child ends canceled, not failed");

        static async Coroutine<(TaskGroupException Error, CoopTask Waiter)> Main()
        {
            CoopTask? waiter = null;
            try
            {
                await TaskGroup.Run(async group =>
                {
                    waiter = group.CreateTask(Waits());
                    group.Start(Fails());
                    await Coroutine.Yield();
                });
            }
            catch (TaskGroupException e)
            {
                return (e, waiter!);
            }

            throw new InvalidOperationException("the group did not fail");
        }

        static async Coroutine Waits() => await UntilCanceled(CoopTask.Current!.CancellationToken);

        static async Coroutine Fails()
        {
            await Coroutine.Yield();
            throw new FormatException("a sibling failed");
        }
    }

    [Fact]
    public void CancellationToken_OuterScopeCancelsABclCallInAnInnerScope_TheOuterScopeCatchesIt()
    {
        var (outerCaught, innerCaught, reached) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.True(outerCaught);
        Assert.False(innerCaught);
        Assert.False(reached, "the code after the inner scope ran: the inner scope caught the outer one's cancellation");

        static async Coroutine<(bool, bool, bool)> Main()
        {
            var outer = new CancelScope();
            var inner = new CancelScope();
            var reached = false;
            var canceller = EventLoop.Current.CreateTask(CancelSoon(outer));
            await outer.RunAsync(async _ =>
            {
                await inner.RunAsync(async _ => await UntilCanceled(CoopTask.Current!.CancellationToken));
                reached = true;
            });
            await canceller;
            return (outer.CanceledCaught, inner.CanceledCaught, reached);
        }

        static async Coroutine CancelSoon(CancelScope scope)
        {
            await Coroutine.Yield();
            scope.Cancel();
        }
    }

    [Fact]
    public void CancellationToken_ShieldedScope_NotCanceledByTheTasksCancelUntilLeft()
    {
        var (shielded, after) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.False(shielded);
        Assert.True(after);

        static async Coroutine<(bool Shielded, bool After)> Main()
        {
            var task = EventLoop.Current.CreateTask(Victim());
            await Coroutine.Yield();
            task.Cancel();
            return await task;
        }

        static async Coroutine<(bool, bool)> Victim()
        {
            var shielded = true;
            await CancelScope.Shielded(async _ =>
            {
                var token = CoopTask.Current!.CancellationToken;
                await Coroutine.Yield(); // the task is canceled meanwhile: the shield holds it
                shielded = token.IsCancellationRequested;
            });
            var after = CoopTask.Current!.CancellationToken.IsCancellationRequested;
            try
            {
                await Coroutine.Yield();
            }
            catch (CanceledException)
            {
            }

            return (shielded, after);
        }
    }

    [Fact]
    public void CancellationToken_AfterACancellationWasCaught_IsAFreshOne()
    {
        var (first, second) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.True(first.IsCancellationRequested);
        Assert.False(second.IsCancellationRequested, "the task is no longer being canceled: its code needs a live token");

        static async Coroutine<(CancellationToken, CancellationToken)> Main()
        {
            var task = CoopTask.Current!;
            var first = task.CancellationToken;
            task.Cancel();
            try
            {
                await Coroutine.Yield();
            }
            catch (CanceledException)
            {
            }

            return (first, task.CancellationToken);
        }
    }
}
