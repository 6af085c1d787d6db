using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Structure;

public class CancelScopeTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    private static void Run(Func<Coroutine> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    [Fact]
    public void Cancel_FromAnotherTask_WakesParkedBodyAndIsCaught()
    {
        var scope = new CancelScope();
        Run(async () =>
        {
            var loop = EventLoop.Current;
            var canceller = loop.CreateTask(CancelSoon(scope));
            await scope.RunAsync(async _ => await Coroutine.Sleep(100));
            await canceller;
        });

        Assert.True(scope.CanceledCaught);

        static async Coroutine CancelSoon(CancelScope scope)
        {
            await Coroutine.Yield();
            scope.Cancel();
        }
    }

    [Fact]
    public void Canceled_AwaitInFinally_RaisesAgainInsteadOfHanging()
    {
        var secondRaised = false;
        var scope = Run(async () => await CancelScope.MoveOnAfter(0.01, async _ =>
        {
            try
            {
                await Coroutine.Sleep(100);
            }
            finally
            {
                try
                {
                    await Coroutine.Sleep(100); // would hang for 100 s if cancellation were one-shot
                }
                catch (CanceledException)
                {
                    secondRaised = true;
                }
            }
        }));

        Assert.True(secondRaised);
        Assert.True(scope.CanceledCaught);
    }

    [Fact]
    public void Canceled_BodyCatchesAndAwaitsAgain_RaisesAtEveryAwait()
    {
        var raised = 0;
        Run(async () => await CancelScope.MoveOnAfter(-1, async _ =>
        {
            for (var i = 0; i < 3; i++)
            {
                try
                {
                    await Coroutine.Yield();
                }
                catch (CanceledException)
                {
                    raised++;
                }
            }
        }));

        Assert.Equal(3, raised);
    }

    [Fact]
    public void Nested_OuterDeadlineFirst_OuterCatchesAndInnerDoesNot()
    {
        var inner = new CancelScope();
        var afterInner = false;
        var outer = Run(async () => await CancelScope.MoveOnAfter(0.01, async _ =>
        {
            inner.Deadline = EventLoop.Current.Time() + 100;
            await inner.RunAsync(async _ => await Coroutine.Sleep(100));
            afterInner = true;
        }));

        Assert.True(outer.CanceledCaught);
        Assert.Equal(CancelScopeState.Exited, inner.State);
        Assert.False(inner.CanceledCaught);
        Assert.False(inner.IsCancellationRequested);
        Assert.False(afterInner);
    }

    [Fact]
    public void Nested_InnerDeadlineFirst_InnerCatchesAndOuterGoesOn()
    {
        CancelScope? inner = null;
        var afterInner = false;
        var outer = Run(async () => await CancelScope.MoveOnAfter(100, async _ =>
        {
            inner = await CancelScope.MoveOnAfter(0.01, async _ => await Coroutine.Sleep(100));
            afterInner = true;
            await Coroutine.Yield();
        }));

        Assert.True(inner!.CanceledCaught);
        Assert.True(afterInner);
        Assert.False(outer.IsCancellationRequested);
    }

    [Fact]
    public void Nested_BothCanceled_OutermostIsRaisedThroughTheInner()
    {
        var outer = new CancelScope();
        var inner = new CancelScope();
        Run(async () => await outer.RunAsync(async _ => await inner.RunAsync(async _ =>
        {
            inner.Cancel();
            outer.Cancel();
            await Coroutine.Yield();
        })));

        Assert.True(outer.CanceledCaught);
        Assert.False(inner.CanceledCaught);
    }

    [Fact]
    public void Deadline_RescheduledEarlier_Fires()
    {
        var scope = Run(async () => await CancelScope.MoveOnAfter(100, async s =>
        {
            s.Deadline = EventLoop.Current.Time() + 0.01;
            await Coroutine.Sleep(100);
        }));

        Assert.True(scope.CanceledCaught);
    }

    [Fact]
    public void Deadline_RescheduledToNone_DoesNotFire()
    {
        var scope = Run(async () => await CancelScope.MoveOnAfter(0.01, async s =>
        {
            s.Deadline = double.PositiveInfinity;
            await Coroutine.Sleep(0.03);
        }));

        Assert.False(scope.IsCancellationRequested);
    }

    [Fact]
    public void Deadline_AlreadyPast_RunsCodeUpToFirstAwait()
    {
        var before = false;
        var after = false;
        var scope = Run(async () => await CancelScope.MoveOnAfter(-5, async _ =>
        {
            before = true;
            await Coroutine.Yield();
            after = true;
        }));

        Assert.True(before);
        Assert.False(after);
        Assert.True(scope.CanceledCaught);
    }

    [Fact]
    public void Cancel_BeforeRun_RaisesAtFirstAwait()
    {
        var scope = new CancelScope();
        scope.Cancel();
        Run(async () => await scope.RunAsync(async _ => await Coroutine.Sleep(100)));

        Assert.True(scope.CanceledCaught);
    }

    [Fact]
    public void Shield_OuterCanceled_ShieldedBlockCompletesThenOuterRaises()
    {
        var shieldedDone = false;
        var afterShield = false;
        var outer = Run(async () => await CancelScope.MoveOnAfter(0.005, async _ =>
        {
            await CancelScope.Shielded(async _ =>
            {
                await Coroutine.Sleep(0.03);
                shieldedDone = true;
            });
            await Coroutine.Yield();
            afterShield = true;
        }));

        Assert.True(shieldedDone);
        Assert.False(afterShield);
        Assert.True(outer.CanceledCaught);
    }

    [Fact]
    public void Shield_TaskCanceled_DeliveredAfterShieldIsLeft()
    {
        var shieldedDone = false;
        var afterShield = false;
        async Coroutine Victim()
        {
            await CancelScope.Shielded(async _ =>
            {
                await Coroutine.Sleep(0.02);
                shieldedDone = true;
            });
            await Coroutine.Yield();
            afterShield = true;
        }

        var canceled = Run(async () =>
        {
            var task = EventLoop.Current.CreateTask(Victim());
            await Coroutine.Yield();
            task.Cancel();
            try
            {
                await task;
                return false;
            }
            catch (CanceledException)
            {
                return task.IsCanceled;
            }
        });

        Assert.True(canceled);
        Assert.True(shieldedDone);
        Assert.False(afterShield);
    }

    [Fact]
    public void TaskCancel_InsideScope_IsNotSwallowedByTheScope()
    {
        CancelScope? scope = null;
        async Coroutine Victim()
        {
            scope = await CancelScope.MoveOnAfter(100, async _ => await Coroutine.Sleep(100));
        }

        var canceled = Run(async () =>
        {
            var task = EventLoop.Current.CreateTask(Victim());
            await Coroutine.Yield();
            task.Cancel();
            await Coroutine.Wait([task]);
            return task.IsCanceled;
        });

        Assert.True(canceled);
        Assert.Null(scope); // MoveOnAfter never returned: the task's cancellation went through it
    }

    [Fact]
    public void TaskCancel_AndScopeCanceled_ScopeFirstThenTaskCancelAfterLeaving()
    {
        var scopeCaught = false;
        var afterScope = false;
        async Coroutine Victim(CancelScope scope)
        {
            await scope.RunAsync(async _ => await Coroutine.Sleep(100));
            scopeCaught = scope.CanceledCaught;
            await Coroutine.Yield();
            afterScope = true;
        }

        var canceled = Run(async () =>
        {
            var scope = new CancelScope();
            var task = EventLoop.Current.CreateTask(Victim(scope));
            await Coroutine.Yield();
            scope.Cancel();
            task.Cancel();
            await Coroutine.Wait([task]);
            return task.IsCanceled;
        });

        Assert.True(scopeCaught);
        Assert.False(afterScope);
        Assert.True(canceled);
    }

    [Fact]
    public void Unshield_WhileOuterCanceled_WakesTheTask()
    {
        var inner = new CancelScope { Shield = true };
        var outer = Run(async () =>
        {
            var loop = EventLoop.Current;
            var unshield = loop.CreateTask(Unshield(inner));
            var scope = await CancelScope.MoveOnAfter(-1, async _ => await inner.RunAsync(async _ => await Coroutine.Sleep(100)));
            await unshield;
            return scope;
        });

        Assert.True(outer.CanceledCaught);
        Assert.False(inner.CanceledCaught);

        static async Coroutine Unshield(CancelScope inner)
        {
            await Coroutine.Yield();
            inner.Shield = false;
        }
    }

    [Fact]
    public void Shield_SetFromAnotherTaskWhileActive_Throws()
    {
        var scope = new CancelScope();
        var error = Run(async () =>
        {
            var loop = EventLoop.Current;
            var body = loop.CreateTask(scope.RunAsync(async _ => await Coroutine.Sleep(100)));
            await Coroutine.Yield();
            var thrown = Record.Exception(() => scope.Shield = true);
            scope.Cancel();
            await Coroutine.Wait([body]);
            return thrown;
        });

        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Run_Twice_Throws()
    {
        var scope = new CancelScope();
        var error = Run(async () =>
        {
            await scope.RunAsync(async _ => await Coroutine.Yield());
            try
            {
                await scope.RunAsync(async _ => await Coroutine.Yield());
                return null;
            }
            catch (InvalidOperationException e)
            {
                return e;
            }
        });

        Assert.NotNull(error);
    }

    [Fact]
    public void Arguments_NaNOrNull_ThrowClearly()
    {
        Assert.Throws<ArgumentException>(() => CancelScope.MoveOnAfter(double.NaN, _ => null!));
        Assert.Throws<ArgumentException>(() => CancelScope.FailAfter(double.NaN, _ => null!));
        Assert.Throws<ArgumentException>(() => new CancelScope { Deadline = double.NaN });
        Assert.Throws<ArgumentNullException>(() => CancelScope.MoveOnAfter(1, null!));
        Assert.Throws<ArgumentNullException>(() => new CancelScope().RunAsync(null!));
    }

    [Fact]
    public void TaskCancelsItself_ThenAwaitsLongSleep_RaisesWithoutWaiting()
    {
        var canceled = Run(async () =>
        {
            async Coroutine Self()
            {
                CoopTask.Current!.Cancel();
                await Coroutine.Sleep(100); // must not park for 100 s
            }

            var task = EventLoop.Current.CreateTask(Self());
            await Coroutine.Wait([task]);
            return task.IsCanceled;
        });

        Assert.True(canceled);
    }

    [Fact]
    public void ToString_ShowsState()
    {
        var scope = new CancelScope { Shield = true };
        scope.Cancel();
        Assert.Contains("Idle", scope.ToString(), StringComparison.Ordinal);
        Assert.Contains("canceled", scope.ToString(), StringComparison.Ordinal);
        Assert.Contains("shielded", scope.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_RandomCancelsAndShields_OutermostVisibleCanceledScopeCatches()
    {
        var gen = Gen.Int[1, 6].SelectMany(n => Gen.Select(Gen.Bool.Array[n], Gen.Bool.Array[n]));
        Bounded.Run(() => gen.Sample((cancel, shield) =>
        {
            var n = cancel.Length;
            var scopes = Enumerable.Range(0, n).Select(i => new CancelScope { Shield = shield[i] }).ToArray();
            var reachedBottom = false;
            async Coroutine Nest(int i)
            {
                if (i == n)
                {
                    for (var j = 0; j < n; j++)
                    {
                        if (cancel[j])
                        {
                            scopes[j].Cancel();
                        }
                    }

                    await Coroutine.Yield();
                    reachedBottom = true;
                    return;
                }

                await scopes[i].RunAsync(_ => Nest(i + 1));
            }

            using var loop = new EventLoop(new VirtualClock());
            loop.RunUntilComplete(Nest(0));

            // Visible from the innermost await: scopes from the innermost shielded one inward.
            var firstVisible = Array.LastIndexOf(shield, true) is var k and >= 0 ? k : 0;
            var expected = Enumerable.Range(firstVisible, n - firstVisible).Where(i => cancel[i]).DefaultIfEmpty(-1).First();
            var caught = Enumerable.Range(0, n).Where(i => scopes[i].CanceledCaught).ToArray();
            return expected < 0 ? reachedBottom && caught.Length == 0 : !reachedBottom && caught.SequenceEqual([expected]);
        }, iter: 200));
    }
}
