// Runs a TaskProgram on a real EventLoop (with a JumpClock): an `async Coroutine<int>` or a generator
// per task (a nested CallOp is `await Frame(...)` or `yield return Coroutine.Call<int>(...)`),
// three shared Future<int>s, drivers as CallLater/CallSoonThreadsafe callbacks. It writes the log
// TaskLoopModel predicts: every step and the status of every task after it, what each op did or
// saw, how each task ended, and what the loop's exception handler received (also when it closes:
// tasks still pending, then failures nobody read).
using System.Globalization;
using System.Text;

namespace Coop.Tests.Properties.Model;

public sealed class TaskInterpreter : LoopInstrument, IDisposable
{
    private readonly TaskProgram _program;
    private readonly JumpClock _clock = new();
    private readonly EventLoop _loop;
    private readonly Future<int>[] _futures = new Future<int>[TaskProgram.FutureCount];
    private readonly CoopTask[] _tasks;
    private readonly bool[] _ended;
    private readonly Dictionary<CoopTask, int> _index = new();

    public TaskInterpreter(TaskProgram program, int? scheduleSeed = null)
    {
        _program = program;
        _loop = new EventLoop(_clock);
        if (scheduleSeed is { } seed)
        {
            _loop.Chooser = new RandomChooser(seed);
        }

        _tasks = new CoopTask[program.Tasks.Length];
        _ended = new bool[program.Tasks.Length];
    }

    public List<string> Log { get; } = new();

    /// <summary>What broke "a task is in one place" as seen from the loop's list of live tasks.</summary>
    public List<string> Violations { get; } = new();

    public void Dispose() => _loop.Dispose();

    /// <summary>The tasks, to inspect after <see cref="Run"/>.</summary>
    public IReadOnlyList<CoopTask> Tasks => _tasks;

    public void Run()
    {
        using (_loop)
        {
            _loop.ExceptionHandler = ((_, error) => Log.Add(
                error is { Task: { } pending, Exception: null } ? $"pending t{_index[pending]} at close"
                : error.Task is { } task ? $"report t{_index[task]}: {Describe(error.Exception!)}"
                : error.Future is { } future ? $"report f{Array.IndexOf(_futures, future)}: {Describe(error.Exception!)}"
                : $"report cb: {Describe(error.Exception!)}"));
            for (var f = 0; f < _futures.Length; f++)
            {
                _futures[f] = _loop.CreateFuture<int>();
            }

            for (var i = 0; i < _tasks.Length; i++)
            {
                var spec = _program.Tasks[i];
                _tasks[i] = spec.Generator ? _loop.CreateTask(GeneratorBody(i, spec.Ops)) : _loop.CreateTask(Body(i, spec.Ops));
                _index[_tasks[i]] = i;
            }

            for (var d = 0; d < _program.Drivers.Length; d++)
            {
                var driver = _program.Drivers[d];
                var who = "d" + d.ToString(CultureInfo.InvariantCulture);
                if (driver.Inbox)
                {
                    _loop.CallSoonThreadsafe(() => Act(who, driver.Action));
                }
                else
                {
                    _loop.CallLater(driver.DelayMs / 1000.0, () => Act(who, driver.Action));
                }
            }

            _loop.Instrument = this;
            JumpClock.RunUntilIdle(_loop);
            Log.Add("final " + Statuses());
        }
    }

    public override void BeforeTaskStep(CoopTask task) => Log.Add($"step t{_index[task]}");

    public override void AfterTaskStep(CoopTask task)
    {
        Log.Add($"t{_index[task]} -> {task.Status}{(task.IsDone ? " " + task.State : "")} | {Statuses()}");
        CheckLiveTasks();
    }

    private void CheckLiveTasks()
    {
        var live = _loop.AllTasks();
        if (live.Distinct().Count() != live.Count)
        {
            Violations.Add("a task is listed twice among the live tasks");
        }

        foreach (var task in _tasks)
        {
            if (task.IsDone != (task.Status == CoopTaskStatus.Done) || task.Status == CoopTaskStatus.Running)
            {
                Violations.Add($"t{_index[task]} is {task.Status} while its future is {task.State}");
            }

            if (live.Contains(task) == task.IsDone)
            {
                Violations.Add($"t{_index[task]} ({task.State}) is {(task.IsDone ? "still" : "not")} among the live tasks");
            }
        }
    }

    public static string Describe(Exception e) => e is CanceledException ? "Canceled" : e.GetType().Name + " " + e.Message;

    private string Statuses()
    {
        var text = new StringBuilder();
        foreach (var task in _tasks)
        {
            text.Append(task.Status switch
            {
                CoopTaskStatus.Ready => 'R',
                CoopTaskStatus.Running => 'X',
                CoopTaskStatus.Waiting => 'W',
                _ => 'D',
            });
        }

        return text.ToString();
    }

    private async Coroutine<int> Body(int i, TaskOp[] ops)
    {
        var me = "t" + i.ToString(CultureInfo.InvariantCulture);
        try
        {
            var acc = await Frame(i, ops);
            Log.Add($"{me} returns {acc}");
            return acc;
        }
        catch (Exception e)
        {
            Log.Add($"{me} ends with {Describe(e)}");
            throw;
        }
    }

    private async Coroutine<int> Frame(int i, TaskOp[] ops)
    {
        var me = "t" + i.ToString(CultureInfo.InvariantCulture);
        var acc = 0;
        {
            for (var n = 0; n < ops.Length; n++)
            {
                switch (ops[n])
                {
                    case YieldOp op:
                        try
                        {
                            await Coroutine.Yield();
                            Log.Add($"{me} yielded");
                        }
                        catch (Exception e)
                        {
                            Log.Add($"{me} saw {Describe(e)} at yield");
                            if (!op.Catch)
                            {
                                throw;
                            }
                        }

                        break;
                    case AwaitFutureOp op:
                        var f = TaskProgram.FutureIndex(op.Future);
                        try
                        {
                            var value = await _futures[f];
                            acc += value;
                            Log.Add($"{me} got f{f}={value}");
                        }
                        catch (Exception e)
                        {
                            Log.Add($"{me} saw {Describe(e)} awaiting f{f}");
                            if (!op.Catch)
                            {
                                throw;
                            }
                        }

                        break;
                    case AwaitTaskOp op:
                        var t = _program.OtherTask(i, op.Offset);
                        if (t < 0)
                        {
                            break;
                        }

                        try
                        {
                            var value = _tasks[t] is CoopTask<int> typed ? await typed : await Untyped(_tasks[t]);
                            acc += value;
                            Log.Add($"{me} got t{t}={value}");
                        }
                        catch (Exception e)
                        {
                            Log.Add($"{me} saw {Describe(e)} awaiting t{t}");
                            if (!op.Catch)
                            {
                                throw;
                            }
                        }

                        break;
                    case SleepOp op:
                        try
                        {
                            await _loop.Sleep(op.Ms / 1000.0);
                            Log.Add($"{me} slept");
                        }
                        catch (Exception e)
                        {
                            Log.Add($"{me} saw {Describe(e)} sleeping");
                            if (!op.Catch)
                            {
                                throw;
                            }
                        }

                        break;
                    case CallOp op:
                        try
                        {
                            var value = await Frame(i, op.Ops);
                            acc += value;
                            Log.Add($"{me} call returned {value}");
                        }
                        catch (Exception e)
                        {
                            Log.Add($"{me} saw {Describe(e)} from call");
                            if (!op.Catch)
                            {
                                throw;
                            }
                        }

                        break;
                    default:
                        Act(me, ops[n]);
                        break;
                }
            }

            return acc;
        }
    }

    private static async Coroutine<int> Untyped(CoopTask task)
    {
        await task;
        return (int)task.ResultObject!;
    }

    // The generator version of Body: what it awaits it yields, then reads the outcome (which it
    // can catch, since no yield is inside that try); a cancellation disposes it (the finally logs).
    private IEnumerable<object?> GeneratorBody(int i, TaskOp[] ops)
    {
        var me = "t" + i.ToString(CultureInfo.InvariantCulture);
        try
        {
            var call = Coroutine.Call<int>(GeneratorFrame(i, ops));
            yield return call;
            Log.Add($"{me} returns {call.Result}");
            _ended[i] = true;
            yield return Coroutine.Return(call.Result);
        }
        finally
        {
            if (!_ended[i])
            {
                Log.Add($"{me} disposed");
            }
        }
    }

    private IEnumerable<object?> GeneratorFrame(int i, TaskOp[] ops)
    {
        var me = "t" + i.ToString(CultureInfo.InvariantCulture);
        var acc = 0;
        for (var n = 0; n < ops.Length; n++)
        {
            switch (ops[n])
            {
                case YieldOp:
                    yield return null;
                    Log.Add($"{me} yielded");
                    break;
                case AwaitFutureOp op:
                    var f = TaskProgram.FutureIndex(op.Future);
                    yield return _futures[f];
                    acc += Read(i, "f" + f.ToString(CultureInfo.InvariantCulture), _futures[f], op.Catch);
                    break;
                case AwaitTaskOp op:
                    var t = _program.OtherTask(i, op.Offset);
                    if (t < 0)
                    {
                        break;
                    }

                    yield return _tasks[t];
                    acc += Read(i, "t" + t.ToString(CultureInfo.InvariantCulture), _tasks[t], op.Catch);
                    break;
                case SleepOp op:
                    yield return _loop.Sleep(op.Ms / 1000.0);
                    Log.Add($"{me} slept");
                    break;
                case CallOp op:
                    var call = Coroutine.Call<int>(GeneratorFrame(i, op.Ops));
                    yield return call;
                    acc += call.Result;
                    Log.Add($"{me} call returned {call.Result}");
                    break;
                case ThrowOp op:
                    _ended[i] = true;
                    Log.Add($"{me} ends with {nameof(ProgramException)} boom {op.Code} in {me}");
                    throw new ProgramException($"boom {op.Code} in {me}");
                default:
                    Act(me, ops[n]);
                    break;
            }
        }

        yield return Coroutine.Return(acc);
    }

    /// <summary>A generator's read of what it awaited: the value, or 0 after a caught error.</summary>
    private int Read(int i, string what, Future future, bool catchIt)
    {
        try
        {
            var value = (int)future.ResultObject!;
            Log.Add($"t{i} got {what}={value}");
            return value;
        }
        catch (Exception e)
        {
            Log.Add($"t{i} saw {Describe(e)} awaiting {what}");
            if (!catchIt)
            {
                _ended[i] = true;
                Log.Add($"t{i} ends with {Describe(e)}");
                throw;
            }

            return 0;
        }
    }

    private void Act(string who, TaskOp action)
    {
        switch (action)
        {
            case SetResultOp op:
                var f = TaskProgram.FutureIndex(op.Future);
                Log.Add($"{who} set f{f}={op.Value}: {_futures[f].TrySetResult(op.Value)}");
                break;
            case SetExceptionOp op:
                f = TaskProgram.FutureIndex(op.Future);
                Log.Add($"{who} fail f{f}: {_futures[f].TrySetException(new ProgramException($"f{f} failed by {who}"))}");
                break;
            case CancelFutureOp op:
                f = TaskProgram.FutureIndex(op.Future);
                Log.Add($"{who} cancel f{f}: {_futures[f].Cancel()}");
                break;
            case CancelTaskOp op:
                var t = _program.TaskIndex(op.Task);
                Log.Add($"{who} cancel t{t}: {_tasks[t].Cancel()}");
                break;
            case ThrowOp op:
                throw new ProgramException($"boom {op.Code} in {who}");
            default:
                throw new InvalidOperationException("not an action: " + action);
        }
    }
}
