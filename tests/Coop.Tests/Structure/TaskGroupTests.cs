using Coop.Tests.Support;

namespace Coop.Tests.Structure;

public class TaskGroupTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    private static void Run(Func<Coroutine> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    // Runs leak on a fresh bounded loop, then lets the loop settle for that many zero sleeps (so that
    // the reports of what leak left behind are made); returns what reached the loop's exception handler.
    private static List<LoopError> LoopErrorsOf(Action<EventLoop> leak, int settleSleeps = 2)
    {
        var errors = new List<LoopError>();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            leak(loop);
            loop.RunUntilComplete(Settle(settleSleeps));
        });
        return errors;

        static async Coroutine Settle(int sleeps)
        {
            for (var i = 0; i < sleeps; i++)
            {
                await Coroutine.Sleep(0);
            }
        }
    }

    // Runs body as the main coroutine and returns the TaskGroupException it ended with, or null if it
    // ended without one (any other exception fails the test).
    private static TaskGroupException? GroupError(Func<Coroutine> body) => Run<TaskGroupException?>(async () =>
    {
        try
        {
            await body();
            return null;
        }
        catch (TaskGroupException e)
        {
            return e;
        }
    });

    private static async Coroutine<int> Value(int value, int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }

        return value;
    }

    private static async Coroutine Fail(string message, int yields = 0)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }

        throw new InvalidOperationException(message);
    }

    private sealed class Flags
    {
        public int Finallies;
        public bool After;
    }

    private static async Coroutine SleepForever(Flags flags)
    {
        try
        {
            await Coroutine.Sleep(1000);
            flags.After = true;
        }
        finally
        {
            flags.Finallies++;
        }
    }

    [Fact]
    public void AwaitUsing_ChildrenSucceed_BlockEndsWhenAllAreDone()
    {
        var (a, b) = Run(async () =>
        {
            CoopTask<int>? ta = null, tb = null;
            await TaskGroup.Run(async group =>
            {
                ta = group.CreateTask(Value(1, 5));
                tb = group.CreateTask(Value(2, 1));
                await Coroutine.Yield();
            });

            Assert.True(ta!.IsDone && tb!.IsDone);
            return (ta!.Result, tb!.Result);
        });

        Assert.Equal((1, 2), (a, b));
    }

    [Fact]
    public void ChildFails_SiblingsCanceledAndAllErrorsRaisedTogether()
    {
        var flags = new Flags();
        var error = Run(async () =>
        {
            try
            {
                return await TaskGroup.Run(async group =>
                {
                    group.Start(SleepForever(flags));
                    group.Start(FailsWhenCanceled());
                    group.Start(Fail("first"));
                    await Coroutine.Yield();
                    return (TaskGroupException?)null;
                });
            }
            catch (TaskGroupException e)
            {
                Assert.Equal([CoopTask.Current!], EventLoop.Current.AllTasks());
                return e;
            }
        });

        Assert.NotNull(error);
        Assert.Equal(["first", "second"], error.InnerExceptions.Select(e => e.Message));
        Assert.DoesNotContain(error.InnerExceptions, e => e is OperationCanceledException);
        Assert.Equal(1, flags.Finallies);
        Assert.False(flags.After);

        static async Coroutine FailsWhenCanceled()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException)
            {
                throw new InvalidOperationException("second");
            }
        }
    }

    [Fact]
    public void ChildFails_KeepsOriginalExceptionAndStack()
    {
        var error = GroupError(async () =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Fail("boom", yields: 2));
            });
        });

        var inner = Assert.IsType<InvalidOperationException>(Assert.Single(error!.InnerExceptions));
        Assert.Contains(nameof(Fail), inner.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void ChildFails_BodyIsInterruptedAtItsAwait()
    {
        var bodyAfter = false;
        var error = GroupError(async () =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Fail("child", yields: 1));
                await Coroutine.Sleep(1000);
                bodyAfter = true;
            });
        });

        Assert.False(bodyAfter);
        Assert.Equal("child", Assert.Single(error!.InnerExceptions).Message);
    }

    [Fact]
    public void ParentCanceledInBody_ChildrenCanceledAndParentEndsCanceled()
    {
        var flags = new Flags();
        async Coroutine Parent()
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(SleepForever(flags));
                group.Start(SleepForever(flags));
                await Coroutine.Sleep(1000);
            });
        }

        var (canceled, leftovers) = Run(async () =>
        {
            var parent = EventLoop.Current.CreateTask(Parent());
            await Coroutine.Sleep(0);
            parent.Cancel();
            await Coroutine.Wait([parent]);
            return (parent.IsCanceled, EventLoop.Current.AllTasks().Count);
        });

        Assert.True(canceled);
        Assert.Equal(1, leftovers); // only main
        Assert.Equal(2, flags.Finallies);
        Assert.False(flags.After);
    }

    [Fact]
    public void ParentCanceledWhileClosing_ChildrenCanceledAndWaitedFor()
    {
        var flags = new Flags();
        var childrenDoneBeforeParent = false;
        async Coroutine Parent()
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(SleepForever(flags));
                group.Start(SlowCleanup(flags));
            });
        }

        var canceled = Run(async () =>
        {
            var parent = EventLoop.Current.CreateTask(Parent());
            await Coroutine.Sleep(0);
            parent.Cancel();
            await Coroutine.Wait([parent]);
            childrenDoneBeforeParent = flags.Finallies == 2;
            return parent.IsCanceled;
        });

        Assert.True(canceled);
        Assert.True(childrenDoneBeforeParent);

        static async Coroutine SlowCleanup(Flags flags)
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            finally
            {
                await CancelScope.Shielded(async _ => await Coroutine.Sleep(0.01)); // cleanup that takes time
                flags.Finallies++;
            }
        }
    }

    [Fact]
    public void OuterScopeDeadline_CancelsTheGroupsChildren()
    {
        var flags = new Flags();
        var scope = Run(async () => await CancelScope.MoveOnAfter(0.01, async _ =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(SleepForever(flags));
                group.Start(SleepForever(flags));
            });
        }));

        Assert.True(scope.CanceledCaught);
        Assert.Equal(2, flags.Finallies);
    }

    [Fact]
    public void Child_CatchesCancellationAndAwaitsAgain_IsCanceledAgain()
    {
        var secondRaised = false;
        var error = GroupError(async () =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Stubborn());
                group.Start(Fail("go", yields: 1));
            });
        });

        Assert.True(secondRaised);
        Assert.Single(error!.InnerExceptions);

        async Coroutine Stubborn()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException)
            {
                try
                {
                    await Coroutine.Sleep(1000);
                }
                catch (CanceledException)
                {
                    secondRaised = true;
                }
            }
        }
    }

    [Fact]
    public void Run_BodyThrows_ChildrenCanceledAndBodyErrorFirst()
    {
        var flags = new Flags();
        var error = GroupError(async () =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(SleepForever(flags));
                group.Start(Fail("child", yields: 3));
                await Coroutine.Yield();
                throw new ArgumentException("body");
            });
        });

        Assert.Equal(1, flags.Finallies);
        Assert.Equal("body", error!.InnerExceptions[0].Message);
        Assert.Single(error.InnerExceptions); // the child was canceled before it could fail
    }

    [Fact]
    public void Run_BodyInterruptedByFailingChild_NoCancellationNoise()
    {
        var error = GroupError(async () =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Fail("child"));
                await Coroutine.Sleep(1000);
            });
        });

        Assert.Equal("child", Assert.Single(error!.InnerExceptions).Message);
    }

    [Fact]
    public void Cancel_CancelsChildren_GroupEndsNormally()
    {
        var flags = new Flags();
        Run(async () =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(SleepForever(flags));
                await Coroutine.Yield();
                group.Cancel();
                Assert.True(group.IsCanceling);
            });
        });

        Assert.Equal(1, flags.Finallies);
    }

    [Fact]
    public void Child_StartsSiblingWhileGroupCloses_GroupWaitsForIt()
    {
        var ran = Run(async () =>
        {
            var sibling = false;
            await TaskGroup.Run(async group =>
            {
                group.Start(StartLater(group, () => sibling = true));
            });

            return sibling;
        });

        Assert.True(ran);

        static async Coroutine StartLater(TaskGroup group, Action mark)
        {
            await Coroutine.Yield();
            group.Start(Sibling(mark));
        }

        static async Coroutine Sibling(Action mark)
        {
            await Coroutine.Sleep(0);
            mark();
        }
    }

    [Fact]
    public void Start_AfterClose_Throws()
    {
        var error = Run(async () =>
        {
            TaskGroup? g = null;
            await TaskGroup.Run(async group =>
            {
                g = group;
                await Coroutine.Yield();
            });

            return Record.Exception(() => g!.Start(Value(1, 0)));
        });

        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void New_OutsideATask_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new TaskGroup());
    }

    [Fact]
    public void NeverClosed_ReportedAndChildrenCanceled()
    {
        var flags = new Flags();
        var errors = LoopErrorsOf(loop => loop.RunUntilComplete(Leaky(flags)));

        Assert.Contains(errors, e => e.Message.Contains("never closed", StringComparison.Ordinal));
        Assert.Equal(1, flags.Finallies);

        static IEnumerable<object?> Leaky(Flags flags)
        {
            var group = new TaskGroup();
            group.Start(SleepForever(flags));
            yield return null;
        }
    }

    [Fact]
    public void Generator_YieldsClose_WaitsForChildren()
    {
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            return loop.RunUntilComplete(Parent());
        });

        Assert.Equal(3, result);

        static IEnumerable<object?> Parent()
        {
            var group = new TaskGroup();
            var a = group.CreateTask(Value(1, 3));
            var b = group.CreateTask(Value(2, 1));
            yield return group.CloseAsync();
            yield return Coroutine.Return(a.Result + b.Result);
        }
    }

    [Fact]
    public void Generator_ChildFails_CloseFailsWithGroupException()
    {
        var flags = new Flags();
        var error = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            return Record.Exception(() => loop.RunUntilComplete(Parent(flags)));
        });

        Assert.IsType<TaskGroupException>(error);
        Assert.Equal(1, flags.Finallies);

        static IEnumerable<object?> Parent(Flags flags)
        {
            var group = new TaskGroup();
            group.Start(SleepForever(flags));
            group.Start(GeneratorChild());
            var closing = group.CloseAsync();
            yield return closing;
            _ = closing.Result; // raises the group's errors
        }

        static IEnumerable<object?> GeneratorChild()
        {
            yield return null;
            throw new InvalidOperationException("generator child");
        }
    }

    [Fact]
    public void GeneratorChild_CanceledWithTheGroup()
    {
        var disposed = false;
        var error = GroupError(async () =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Forever());
                group.Start(Fail("x", yields: 1));
            });
        });

        Assert.True(disposed);
        Assert.Single(error!.InnerExceptions);

        IEnumerable<object?> Forever()
        {
            try
            {
                while (true)
                {
                    yield return Coroutine.Sleep(1000);
                }
            }
            finally
            {
                disposed = true;
            }
        }
    }

    [Fact]
    public void New_InAnAsyncCoroutine_ThrowsPointingToRun()
    {
        // The explicitly closed form cannot see an exception thrown by the block (C# hides it from
        // DisposeAsync), so async coroutines get the one form that does: TaskGroup.Run.
        Exception? refused = null;
        var errors = LoopErrorsOf(loop => loop.RunUntilComplete(Main()));

        var error = Assert.IsType<InvalidOperationException>(refused);
        Assert.Contains("TaskGroup.Run", error.Message, StringComparison.Ordinal);
        Assert.Empty(errors); // nothing was left open on the task

        async Coroutine Main()
        {
            await Coroutine.Yield();
            refused = Record.Exception(() => new TaskGroup());
            await Coroutine.Yield();
        }
    }

    [Fact]
    public void InsideShieldedScope_OuterCancellationWaitsForTheGroup()
    {
        var flags = new Flags();
        var outer = Run(async () => await CancelScope.MoveOnAfter(-1, async _ =>
        {
            await CancelScope.Shielded(async _ =>
            {
                await TaskGroup.Run(async group =>
                {
                    group.Start(Short(flags));
                });
            });
            await Coroutine.Yield();
            flags.After = true;
        }));

        Assert.True(outer.CanceledCaught);
        Assert.Equal(1, flags.Finallies); // the child ran to its end: the shield kept the cancel out
        Assert.False(flags.After);

        static async Coroutine Short(Flags flags)
        {
            await Coroutine.Sleep(0.01);
            flags.Finallies++;
        }
    }

    [Fact]
    public void InsideFailAfter_DeadlineCancelsChildrenAndRaisesTimeout()
    {
        var flags = new Flags();
        Assert.Throws<TimeoutException>(() => Run(async () => await CancelScope.FailAfter(0.01, async _ =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(SleepForever(flags));
            });
        })));

        Assert.Equal(1, flags.Finallies);
        Assert.False(flags.After);
    }

    [Fact]
    public void Generator_NeverClosed_ReportedAndChildrenCanceled()
    {
        var flags = new Flags();
        var errors = LoopErrorsOf(loop => loop.RunUntilComplete(Leaky(flags)));

        Assert.Contains(errors, e => e.Message.Contains("never closed", StringComparison.Ordinal));
        Assert.Equal(1, flags.Finallies);

        static IEnumerable<object?> Leaky(Flags flags)
        {
            var group = new TaskGroup();
            group.Start(SleepForever(flags));
            yield return null;
        }
    }

    [Fact]
    public void Generator_ChildFailsWhileBodySleeps_BodyNotResumedEarly()
    {
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            return Record.Exception(() => loop.RunUntilComplete(Parent()));
        });

        Assert.IsType<TaskGroupException>(result);

        static IEnumerable<object?> Parent()
        {
            var group = new TaskGroup();
            group.Start(Fail("child"));
            var nap = Coroutine.Sleep(0.02);
            yield return nap;
            Assert.True(nap.IsDone); // the failure did not wake the generator before its future completed
            var closing = group.CloseAsync();
            yield return closing;
            _ = closing.Result;
        }
    }

    [Fact]
    public void Generator_CanceledWhileClosing_ChildrenCanceledAndTheirErrorsReported()
    {
        var errors = LoopErrorsOf(
            loop =>
            {
                var parent = loop.CreateTask(Parent());
                loop.CallLater(0.01, () => parent.Cancel());
                Assert.Throws<CanceledException>(() => loop.RunUntilComplete(parent));
            },
            settleSleeps: 4);

        Assert.Contains(errors, e => e.Exception is TaskGroupException g && g.InnerExceptions[0].Message == "cleanup failed");

        static IEnumerable<object?> Parent()
        {
            var group = new TaskGroup();
            group.Start(FailsWhenCanceled());
            yield return group.CloseAsync();
        }

        static async Coroutine FailsWhenCanceled()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException)
            {
                throw new InvalidOperationException("cleanup failed");
            }
        }
    }

    [Fact]
    public void Explore_CancelAtEachAwait_NoLeakedChildAndEveryRegionLeft()
    {
        var points = Bounded.Run(() => Explore.CancelAtEachAwait(async probes =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Child(probes, "child a"));
                group.Start(Child(probes, "child b"));
                await CancelScope.MoveOnAfter(10, async _ =>
                {
                    using (probes.Finally("scope body"))
                    {
                        await Coroutine.Sleep(1);
                    }
                });
            });

            await Coroutine.Sleep(1);
        }));

        Assert.True(points >= 3, $"only {points} await points");

        static async Coroutine Child(ScheduleProbes probes, string name)
        {
            using (probes.Finally(name))
            {
                await Coroutine.Sleep(2); // outlives the body: the group's close waits for it
                await Coroutine.Yield();
            }
        }
    }
}
