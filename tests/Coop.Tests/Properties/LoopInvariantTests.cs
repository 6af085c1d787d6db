// Issue 3: the invariants of shared/DESIGN.md ("Invariants worth asserting in tests"), checked on
// random programs against small reference models (Model/CallbackLoopModel.cs, Model/TaskLoopModel.cs)
// and directly. No test reads the wall clock: loops run on a JumpClock (time stands still while
// there is work and jumps to the next deadline when idle) or on a clock that ticks once per read.
using System.Diagnostics;
using Coop.Core;
using Coop.Tests.Properties.Model;
using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Properties;

public class LoopInvariantTests
{
    // ---- FIFO: callbacks, timers, the inbox -------------------------------------------------------

    [Theory]
    [InlineData(0)] // every deadline is "now": equal deadlines must run in scheduling order
    [InlineData(3)]
    public void Callbacks_RandomSoonLaterInboxAndCancels_RunInModelOrder(int maxDelayMs)
    {
        Bounded.Run(() => CallbackProgramGen.Program(maxDelayMs).Sample(roots =>
        {
            using var real = new CallbackInterpreter();
            real.Run(roots);
            var model = new CallbackLoopModel();
            model.Run(roots);
            Assert.Equal(model.Log, real.Log);
        }, iter: 300, print: CallbackProgramGen.Print));
    }

    /// <summary>Time moves by one tick on every read, so deadlines arrive while the loop works.</summary>
    private sealed class TickingClock : TimeProvider, IIdleClock
    {
        private long _now;

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => ++_now;

        public void OnLoopIdle(EventLoop loop, long? nextDue)
        {
            if (nextDue == null)
            {
                throw new LoopIdleForeverException();
            }

            // No jump: the next reads move time on by themselves.
        }
    }

    [Fact]
    public void Timers_ClockMovingWhileLoopRuns_FireInDeadlineThenSchedulingOrder()
    {
        // Each timer may schedule more when it fires; some cancel an earlier one. Whatever the
        // clock did meanwhile, timers fire sorted by (deadline, scheduling order), and exactly the
        // ones not canceled before they fired.
        var gen = Gen.Select(Gen.Int[-1, 8], Gen.Int[0, 2], Gen.Int[-1, 10]).Array[1, 40];
        Bounded.Run(() => gen.Sample(specs =>
        {
            var clock = new TickingClock();
            using var loop = new EventLoop(clock);
            var scheduled = new List<(Handle Handle, long Due, int Sequence)>();
            var fired = new List<int>();
            var canceledBeforeFiring = new HashSet<int>();
            var next = 0;

            void Schedule()
            {
                if (next >= specs.Length)
                {
                    return;
                }

                var me = next++;
                var (delay, children, cancel) = specs[me];
                var handle = loop.CallLater(delay / 1000.0, () =>
                {
                    fired.Add(me);
                    if (cancel >= 0 && cancel < scheduled.Count && !fired.Contains(cancel) && !scheduled[cancel].Handle.IsCanceled)
                    {
                        scheduled[cancel].Handle.Cancel();
                        canceledBeforeFiring.Add(cancel);
                    }

                    for (var c = 0; c < children; c++)
                    {
                        Schedule();
                    }
                });
                scheduled.Add((handle, (long)Math.Round(handle.When * 1000), me));
            }

            Schedule();
            Schedule();
            JumpClock.RunUntilIdle(loop);

            var expectedOrder = fired.OrderBy(i => scheduled[i].Due).ThenBy(i => scheduled[i].Sequence).ToList();
            Assert.Equal(expectedOrder, fired);
            var expectedSet = Enumerable.Range(0, scheduled.Count).Where(i => !canceledBeforeFiring.Contains(i));
            Assert.Equal(expectedSet, fired.Order());
        }, iter: 300, print: s => string.Join(" ", s.Select(x => $"({x.Item1}ms,{x.Item2},x{x.Item3})"))));
    }

    // ---- Tasks, futures, cancellation: the model ---------------------------------------------------

    private static TaskInterpreter RunReal(TaskProgram program, int? scheduleSeed = null)
    {
        using var real = new TaskInterpreter(program, scheduleSeed);
        real.Run();
        return real;
    }

    [Fact]
    public void Tasks_RandomProgramsOfAwaitsCompletionsAndCancels_MatchModel()
    {
        // One log line per step (with the status of every task after it: a task is in exactly one
        // place, the one the model says), per op outcome, per task end and per error report.
        Bounded.Run(() => TaskProgramGen.Program.Sample(program =>
        {
            var real = RunReal(program);
            var model = new TaskLoopModel(program);
            model.Run();
            Assert.Equal(model.Log, real.Log);
            Assert.Empty(real.Violations);
        }, iter: 500, print: p => p.ToString()));
    }

    /// <summary>On Coop's own log, without the model: a failed task's error is seen by an awaiter
    /// ("saw {that error} awaiting tN") or reported by the exception handler, never neither, never
    /// reported twice, and never reported once an awaiter had seen it. Other tasks are never reported.</summary>
    private static void AssertEachTaskErrorSurfacesOnce(TaskInterpreter real)
    {
        for (var t = 0; t < real.Tasks.Count; t++)
        {
            var task = real.Tasks[t];
            var report = $"report t{t}:";
            if (task.State != FutureState.Failed)
            {
                Assert.DoesNotContain(real.Log, l => l.StartsWith(report, StringComparison.Ordinal));
                continue;
            }

            var sawIt = $" saw {TaskInterpreter.Describe(task.Exception!)} awaiting t{t}";
            var reports = real.Log.Count(l => l.StartsWith(report, StringComparison.Ordinal));
            var reportAt = real.Log.FindIndex(l => l.StartsWith(report, StringComparison.Ordinal));
            var firstSeen = real.Log.FindIndex(l => l.EndsWith(sawIt, StringComparison.Ordinal));
            Assert.True(reports <= 1, $"t{t}'s error was reported {reports} times");
            Assert.True(reports == 1 || firstSeen >= 0, $"t{t} failed ({task.Exception!.Message}) and nobody saw or reported it");
            Assert.False(reportAt >= 0 && firstSeen >= 0 && firstSeen < reportAt, $"t{t}'s error was reported after an awaiter had seen it");
        }
    }

    [Fact]
    public void Tasks_RandomPrograms_EveryTaskErrorSurfacesExactlyOnce()
    {
        // A failing callback is reported once, too.
        Bounded.Run(() => TaskProgramGen.Program.Sample(program =>
        {
            var real = RunReal(program);
            AssertEachTaskErrorSurfacesOnce(real);
            var throwingDrivers = program.Drivers.Count(d => d.Action is ThrowOp);
            Assert.Equal(throwingDrivers, real.Log.Count(l => l.StartsWith("report cb:", StringComparison.Ordinal)));
        }, iter: 300, print: p => p.ToString()));
    }

    [Fact]
    public void Tasks_SameProgramTwice_SameLog()
    {
        Bounded.Run(() => TaskProgramGen.Program.Sample(program =>
        {
            Assert.Equal(RunReal(program).Log, RunReal(program).Log);
        }, iter: 100, print: p => p.ToString()));
    }

    [Fact]
    public void Tasks_SeededSchedules_SameSeedSameLogAndInvariantsHold()
    {
        // With a seeded chooser the loop runs the ready items of a pass in a random order: the FIFO
        // model no longer applies, but the same seed gives the same run, a task stays in one place,
        // and a failed task's error is seen by an awaiter or reported once, never after it was seen.
        Bounded.Run(() => Gen.Select(TaskProgramGen.Program, Gen.Int).Sample((program, seed) =>
        {
            var real = RunReal(program, seed);
            Assert.Equal(real.Log, RunReal(program, seed).Log);
            Assert.Empty(real.Violations);
            AssertEachTaskErrorSurfacesOnce(real);
        }, iter: 300, print: p => $"seed {p.Item2}: {p.Item1}"));
    }

    // ---- No lost wake-up ---------------------------------------------------------------------------

    public enum Completer
    {
        OtherTask,
        CallSoon,
        CallLater,
        Inbox,
    }

    [Fact]
    public void Future_CompletedBeforeDuringOrAfterTheWaiterParks_WakesIt()
    {
        // Waiters (async or generator) yield `waitAfter` times, then await the future; the completer
        // acts after `completeAfter` yields, directly or through a callback, a timer or the inbox:
        // before, in the same pass as, or after a waiter parks. Every waiter sees the outcome.
        var gen = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 4], Gen.Enum<Completer>(), Gen.Bool.Array[1, 3], Gen.Int[0, 2]);
        Bounded.Run(() => gen.Sample((waitAfter, completeAfter, how, generatorWaiters, outcome) =>
        {
            var clock = new JumpClock();
            using var loop = new EventLoop(clock);
            var future = loop.CreateFuture<int>();

            string Seen()
            {
                try
                {
                    return "result " + future.Result;
                }
                catch (Exception e)
                {
                    return TaskInterpreter.Describe(e);
                }
            }

            async Coroutine<string> AsyncWaiter()
            {
                for (var i = 0; i < waitAfter; i++)
                {
                    await Coroutine.Yield();
                }

                try
                {
                    await future;
                }
                catch (Exception)
                {
                }

                return Seen();
            }

            IEnumerable<object?> GeneratorWaiter()
            {
                for (var i = 0; i < waitAfter; i++)
                {
                    yield return null;
                }

                yield return future;
                yield return Coroutine.Return(Seen());
            }

            void Settle()
            {
                switch (outcome)
                {
                    case 0:
                        future.SetResult(42);
                        break;
                    case 1:
                        future.SetException(new ProgramException("no"));
                        break;
                    default:
                        future.Cancel();
                        break;
                }
            }

            async Coroutine Complete()
            {
                for (var i = 0; i < completeAfter; i++)
                {
                    await Coroutine.Yield();
                }

                switch (how)
                {
                    case Completer.OtherTask:
                        Settle();
                        break;
                    case Completer.CallSoon:
                        loop.CallSoon(Settle);
                        break;
                    case Completer.CallLater:
                        loop.CallLater(0.002, Settle);
                        break;
                    default:
                        loop.CallSoonThreadsafe(Settle);
                        break;
                }
            }

            var tasks = generatorWaiters.Select(g => g ? loop.CreateTask(GeneratorWaiter()) : loop.CreateTask(AsyncWaiter())).ToList();
            loop.CreateTask(Complete());
            JumpClock.RunUntilIdle(loop);
            var expected = outcome switch
            {
                0 => "result 42",
                1 => "ProgramException no",
                _ => "Canceled",
            };
            Assert.All(tasks, t => Assert.Equal(expected, t.IsDone ? t.Result : "still " + t.Status));
        }, iter: 300, print: p =>
            $"waiters {string.Join(",", p.Item4.Select(g => g ? "gen" : "async"))} await after {p.Item1} yields; " +
            $"{p.Item3} settles ({p.Item5}: 0 result, 1 exception, 2 cancel) after {p.Item2} yields"));
    }

    // ---- O(1) resume in the depth of the chain -----------------------------------------------------

    // Structural, not timing, and robust to inlining: when a frame of a chain resumes, count the
    // frames of the chain's own methods on the stack. Resuming costs O(1) in the depth if the leaf
    // resumes with no chain frame under it, and each caller resumes with only itself (the task's
    // trampoline calls it; the callee that just ended does not).

    private static int ChainFramesOnStack(string method)
    {
        var count = 0;
        foreach (var frame in new StackTrace(false).GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            if (type != null && type.Name.Contains("<" + method + ">", StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    private static async Coroutine<int> AsyncLeaf(List<int> seen, int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
            seen.Add(ChainFramesOnStack(nameof(AsyncChain)));
        }

        return 1;
    }

    private static async Coroutine<int> AsyncChain(int depth, List<int> leafSeen, List<int> unwindSeen, int yields)
    {
        var result = depth == 0 ? await AsyncLeaf(leafSeen, yields) : await AsyncChain(depth - 1, leafSeen, unwindSeen, yields);
        unwindSeen.Add(ChainFramesOnStack(nameof(AsyncChain)));
        return result + 1;
    }

    [Fact]
    public void Resume_AsyncChainOfAnyDepth_NoCallerFrameOnTheStack()
    {
        Gen.Int[1, 3000].Sample(depth =>
        {
            var leaf = new List<int>();
            var unwind = new List<int>();
            var result = Bounded.Run(() => EventLoop.Run(AsyncChain(depth, leaf, unwind, 3)));
            Assert.Equal(depth + 2, result);
            Assert.Equal([0, 0, 0], leaf);
            Assert.Equal(depth + 1, unwind.Count);
            Assert.All(unwind, n => Assert.InRange(n, 0, 1));
        }, iter: 20, threads: 1);
    }

    private static IEnumerable<object?> GenLeaf(List<int> seen, int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            yield return null;
            seen.Add(ChainFramesOnStack(nameof(GenChain)));
        }

        yield return Coroutine.Return(1);
    }

    private static IEnumerable<object?> GenChain(int depth, List<int> leafSeen, List<int> unwindSeen, int yields)
    {
        var call = Coroutine.Call<int>(depth == 0 ? GenLeaf(leafSeen, yields) : GenChain(depth - 1, leafSeen, unwindSeen, yields));
        yield return call;
        unwindSeen.Add(ChainFramesOnStack(nameof(GenChain)));
        yield return Coroutine.Return(call.Result + 1);
    }

    [Fact]
    public void Resume_GeneratorChainOfAnyDepth_NoCallerFrameOnTheStack()
    {
        Gen.Int[1, 3000].Sample(depth =>
        {
            var leaf = new List<int>();
            var unwind = new List<int>();
            var result = Bounded.Run(() =>
            {
                using var loop = new EventLoop();
                return loop.RunUntilComplete(GenChain(depth, leaf, unwind, 3));
            });
            Assert.Equal(depth + 2, result);
            Assert.Equal([0, 0, 0], leaf);
            Assert.Equal(depth + 1, unwind.Count);
            Assert.All(unwind, n => Assert.InRange(n, 0, 1));
        }, iter: 20, threads: 1);
    }
}
