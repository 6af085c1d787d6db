// A reference model of tasks, futures and cancellation on the event loop, written from the design
// (docs/design.md, asyncio's Task.__step) and independent of Coop's code. It simulates:
//   - the loop iteration of CallbackLoopModel (jump to the next deadline when idle, inbox, due
//     timers by (deadline, sequence), then the callbacks that were ready when the pass began);
//   - a task: a step runs ops until one suspends (a yield, or an await of something pending) or the
//     task ends; awaiting something done continues without suspending; a resumed await first
//     delivers a pending cancellation, then the awaited outcome; a nested call runs in the same
//     step as a frame on the task's stack; an error leaves an async frame to its caller's call
//     (which may catch it) but ends a generator's whole chain;
//   - a generator task cannot catch a cancellation: it is disposed at the start of its next step;
//   - a future: completing it wakes, in order, the tasks still parked on it (stale registrations
//     are ignored); a failed task or future whose error nobody has looked at when the loop closes
//     is reported then, in the order they failed (however late the error is read before, it is
//     not reported: asyncio's rule, when the future is collected or the loop closes);
//   - closing the loop reports each task still pending, in creation order, before those errors;
//   - a sleep of zero seconds or less is a plain yield (no timer), a positive one a timer;
//   - cancel: a waiting task leaves its future (a sleep's future is canceled with it) and becomes
//     ready; a not-started task ends canceled without running; a task that is canceled while it
//     runs gets the cancellation at its next await, without first waiting for what it awaits; one
//     that ends before any await still ends canceled.
// It writes the log TaskInterpreter writes.
using System.Globalization;
using System.Text;

namespace Coop.Tests.Properties.Model;

public sealed class TaskLoopModel
{
    private enum State
    {
        Pending,
        Succeeded,
        Failed,
        Canceled,
    }

    private class MFuture
    {
        public State State { get; set; }

        public int Value { get; set; }

        public string Error { get; set; } = "";

        public List<MTask> Waiters { get; } = new();

        public bool Observed { get; set; }

        public virtual string Label { get; init; } = "";

        public MTimer? SleepTimer { get; set; }

        public bool IsDone => State != State.Pending;
    }

    private sealed class MTask(int index, TaskSpec spec) : MFuture
    {
        public int Index { get; } = index;

        /// <summary>The chain of nested calls; the innermost on top.</summary>
        public Stack<MFrame> Frames { get; } = new([new MFrame(spec.Ops)]);

        public bool Generator { get; } = spec.Generator;

        public bool Started { get; set; }

        public char Status { get; set; } = 'R';

        public MFuture? WaitingOn { get; set; }

        public bool CancelRequested { get; set; }

        /// <summary>The op the task suspended on and what it awaited (null for a yield).</summary>
        public TaskOp? SuspendedOn { get; set; }

        public MFuture? Awaited { get; set; }

        public string Name => "t" + Index.ToString(CultureInfo.InvariantCulture);

        public override string Label => Name;
    }

    private sealed class MFrame(TaskOp[] ops)
    {
        public TaskOp[] Ops { get; } = ops;

        public int Pc { get; set; }

        public int Acc { get; set; }
    }

    private sealed class MTimer(long due, long sequence, Action action)
    {
        public long Due { get; } = due;

        public long Sequence { get; } = sequence;

        public Action Action { get; } = action;

        public bool Canceled { get; set; }
    }

    private const string CancelledError = "Canceled";

    private readonly TaskProgram _program;
    private readonly Queue<Action> _ready = new();
    private readonly List<MTimer> _timers = new();
    private readonly List<Action> _inbox = new();
    private readonly MFuture[] _futures = new MFuture[TaskProgram.FutureCount];
    private readonly MTask[] _tasks;
    private readonly List<MFuture> _failed = new();
    private long _now;
    private long _sequence;

    public TaskLoopModel(TaskProgram program)
    {
        _program = program;
        _tasks = new MTask[program.Tasks.Length];
    }

    public List<string> Log { get; } = new();

    public void Run()
    {
        for (var f = 0; f < _futures.Length; f++)
        {
            _futures[f] = new MFuture { Label = "f" + f.ToString(CultureInfo.InvariantCulture) };
        }

        for (var i = 0; i < _tasks.Length; i++)
        {
            var task = _tasks[i] = new MTask(i, _program.Tasks[i]);
            _ready.Enqueue(() => Step(task));
        }

        for (var d = 0; d < _program.Drivers.Length; d++)
        {
            var driver = _program.Drivers[d];
            var who = "d" + d.ToString(CultureInfo.InvariantCulture);
            if (driver.Inbox)
            {
                _inbox.Add(() => Act(who, driver.Action));
            }
            else
            {
                AddTimer(driver.DelayMs, () => Act(who, driver.Action));
            }
        }

        RunLoop();
        Log.Add("final " + Statuses());
        foreach (var task in _tasks.Where(t => !t.IsDone))
        {
            Log.Add($"pending {task.Name} at close");
        }

        foreach (var future in _failed.Where(f => !f.Observed))
        {
            Log.Add($"report {future.Label}: {future.Error}");
        }
    }

    private void RunLoop()
    {
        while (true)
        {
            if (_ready.Count == 0 && _inbox.Count == 0)
            {
                var live = _timers.Where(t => !t.Canceled).ToList();
                if (live.Count == 0)
                {
                    return;
                }

                _now = Math.Max(_now, live.Min(t => t.Due));
            }

            foreach (var posted in _inbox)
            {
                _ready.Enqueue(posted);
            }

            _inbox.Clear();
            foreach (var timer in _timers.Where(t => t.Due <= _now).OrderBy(t => t.Due).ThenBy(t => t.Sequence).ToList())
            {
                _timers.Remove(timer);
                if (!timer.Canceled)
                {
                    _ready.Enqueue(() =>
                    {
                        if (!timer.Canceled)
                        {
                            timer.Action();
                        }
                    });
                }
            }

            for (var n = _ready.Count; n > 0; n--)
            {
                var item = _ready.Dequeue();
                try
                {
                    item();
                }
                catch (ProgramException e)
                {
                    Log.Add("report cb: " + nameof(ProgramException) + " " + e.Message);
                }
            }
        }
    }

    private MTimer AddTimer(int delayMs, Action action)
    {
        var timer = new MTimer(_now + Math.Max(0, delayMs), _sequence++, action);
        _timers.Add(timer);
        return timer;
    }

    private void MakeReady(MTask task)
    {
        task.Status = 'R';
        _ready.Enqueue(() => Step(task));
    }

    private string Statuses()
    {
        var text = new StringBuilder();
        foreach (var task in _tasks)
        {
            text.Append(task.Status);
        }

        return text.ToString();
    }

    private void Step(MTask task)
    {
        Log.Add("step " + task.Name);
        task.Status = 'X';
        if (!task.Started)
        {
            if (task.CancelRequested)
            {
                Finish(task, State.Canceled, 0, CancelledError);
            }
            else
            {
                task.Started = true;
                RunOps(task, resumed: false);
            }
        }
        else if (task.Generator && task.CancelRequested)
        {
            // A generator cannot catch the cancellation: it is disposed (its finally blocks run).
            Log.Add($"{task.Name} disposed");
            Finish(task, State.Canceled, 0, CancelledError);
        }
        else
        {
            RunOps(task, resumed: true);
        }

        Log.Add($"{task.Name} -> {StatusName(task)} | {Statuses()}");
    }

    private static string StatusName(MTask task) => task.Status switch
    {
        'R' => "Ready",
        'W' => "Waiting",
        'X' => "Running",
        _ => "Done " + task.State,
    };

    /// <summary>Runs the task's ops until it suspends or ends; first finishes the await it resumes.</summary>
    private void RunOps(MTask task, bool resumed)
    {
        if (resumed)
        {
            var op = task.SuspendedOn!;
            task.SuspendedOn = null;
            if (!FinishAwait(task, op, task.Awaited))
            {
                return;
            }
        }

        while (true)
        {
            var frame = task.Frames.Peek();
            if (frame.Pc == frame.Ops.Length)
            {
                task.Frames.Pop();
                if (task.Frames.Count == 0)
                {
                    Log.Add($"{task.Name} returns {frame.Acc}");
                    Finish(task, State.Succeeded, frame.Acc, "");
                    return;
                }

                task.Frames.Peek().Acc += frame.Acc;
                Log.Add($"{task.Name} call returned {frame.Acc}");
                continue;
            }

            var op = frame.Ops[frame.Pc++];
            MFuture? awaited;
            switch (op)
            {
                case CallOp call:
                    // The callee runs in the same step, as `await Sub()` / `yield return Call` do.
                    task.Frames.Push(new MFrame(call.Ops));
                    continue;
                case YieldOp:
                    task.SuspendedOn = op;
                    task.Awaited = null;
                    MakeReady(task);
                    return;
                case AwaitFutureOp a:
                    awaited = _futures[TaskProgram.FutureIndex(a.Future)];
                    break;
                case AwaitTaskOp a:
                    var target = _program.OtherTask(task.Index, a.Offset);
                    if (target < 0)
                    {
                        continue;
                    }

                    awaited = _tasks[target];
                    break;
                case SleepOp { Ms: <= 0 }:
                    // Sleep(0) in a task is a plain yield: no timer (asyncio's sleep(0)).
                    task.SuspendedOn = op;
                    task.Awaited = null;
                    MakeReady(task);
                    return;
                case SleepOp s:
                    var sleep = new MFuture();
                    sleep.SleepTimer = AddTimer(s.Ms, () => Complete(sleep, State.Succeeded, 0, ""));
                    awaited = sleep;
                    break;
                case ThrowOp t:
                    if (Raise(task, $"{nameof(ProgramException)} boom {t.Code} in {task.Name}"))
                    {
                        return;
                    }

                    continue;
                default:
                    Act(task.Name, op);
                    continue;
            }

            if (awaited.IsDone)
            {
                if (task.Generator && task.CancelRequested)
                {
                    // Not suspending, but the pending cancellation is delivered here: disposed now.
                    Log.Add($"{task.Name} disposed");
                    Finish(task, State.Canceled, 0, CancelledError);
                    return;
                }

                if (!FinishAwait(task, op, awaited))
                {
                    return;
                }

                continue;
            }

            task.SuspendedOn = op;
            task.Awaited = awaited;
            if (task.CancelRequested)
            {
                // Canceled while running: do not park; the cancellation is raised at this await
                // (a generator is disposed at its next step).
                MakeReady(task);
                if (awaited.SleepTimer != null)
                {
                    CancelFuture(awaited);
                }

                return;
            }

            task.Status = 'W';
            task.WaitingOn = awaited;
            awaited.Waiters.Remove(task); // woken where it last began to wait, not where it first did
            awaited.Waiters.Add(task);
            return;
        }
    }

    /// <summary>An error leaves the top frame: a generator's whole chain ends; an async caller
    /// sees it at its call and may catch it. True when the task ended.</summary>
    private bool Raise(MTask task, string error)
    {
        if (task.Generator)
        {
            EndWith(task, StateOf(error), error);
            return true;
        }

        while (true)
        {
            task.Frames.Pop();
            if (task.Frames.Count == 0)
            {
                EndWith(task, StateOf(error), error);
                return true;
            }

            var caller = task.Frames.Peek();
            Log.Add($"{task.Name} saw {error} from call");
            if (((CallOp)caller.Ops[caller.Pc - 1]).Catch)
            {
                return false;
            }
        }
    }

    private static State StateOf(string error) => error == CancelledError ? State.Canceled : State.Failed;

    /// <summary>The await of <paramref name="op"/> gives its outcome; false when that ended the task.</summary>
    private bool FinishAwait(MTask task, TaskOp op, MFuture? awaited)
    {
        string? error = null;
        if (task.CancelRequested)
        {
            task.CancelRequested = false;
            error = CancelledError;
        }
        else if (awaited != null && awaited.State != State.Succeeded)
        {
            awaited.Observed = true;
            error = awaited.Error;
        }

        var (where, caught) = op switch
        {
            YieldOp y => ("at yield", y.Catch),
            AwaitFutureOp a => ($"awaiting f{TaskProgram.FutureIndex(a.Future)}", a.Catch),
            AwaitTaskOp a => ($"awaiting t{_program.OtherTask(task.Index, a.Offset)}", a.Catch),
            SleepOp s => ("sleeping", s.Catch),
            _ => throw new InvalidOperationException("not an await: " + op),
        };
        if (error == null)
        {
            switch (op)
            {
                case YieldOp:
                    Log.Add($"{task.Name} yielded");
                    break;
                case SleepOp:
                    Log.Add($"{task.Name} slept");
                    break;
                default:
                    task.Frames.Peek().Acc += awaited!.Value;
                    Log.Add($"{task.Name} got {where[9..]}={awaited.Value}");
                    break;
            }

            return true;
        }

        Log.Add($"{task.Name} saw {error} {where}");
        return caught || !Raise(task, error);
    }

    private void EndWith(MTask task, State state, string error)
    {
        Log.Add($"{task.Name} ends with {error}");
        Finish(task, state, 0, error);
    }

    private void Finish(MTask task, State state, int value, string error)
    {
        if (task.CancelRequested && state == State.Succeeded)
        {
            // A cancellation requested but never delivered still cancels (asyncio's _must_cancel).
            (state, value, error) = (State.Canceled, 0, CancelledError);
        }

        task.Status = 'D';
        task.CancelRequested = false;
        Complete(task, state, value, error);
    }

    private bool Complete(MFuture future, State state, int value, string error)
    {
        if (future.IsDone)
        {
            return false;
        }

        future.State = state;
        future.Value = value;
        future.Error = error;
        var waiters = future.Waiters.ToList();
        future.Waiters.Clear();
        foreach (var waiter in waiters)
        {
            if (waiter.WaitingOn == future)
            {
                waiter.WaitingOn = null;
                MakeReady(waiter);
            }
        }

        if (state == State.Failed)
        {
            _failed.Add(future); // reported when the loop closes if nobody looked at it by then
        }

        return true;
    }

    private bool CancelFuture(MFuture future)
    {
        if (!Complete(future, State.Canceled, 0, CancelledError))
        {
            return false;
        }

        if (future.SleepTimer != null)
        {
            future.SleepTimer.Canceled = true;
        }

        return true;
    }

    private bool CancelTask(MTask task)
    {
        if (task.IsDone)
        {
            return false;
        }

        task.CancelRequested = true;
        if (task.WaitingOn is { } future)
        {
            task.WaitingOn = null;
            MakeReady(task);
            if (future.SleepTimer != null)
            {
                CancelFuture(future);
            }
        }

        return true;
    }

    private static string Flag(bool value) => value ? "True" : "False";

    private void Act(string who, TaskOp action)
    {
        switch (action)
        {
            case SetResultOp op:
                var f = TaskProgram.FutureIndex(op.Future);
                Log.Add($"{who} set f{f}={op.Value}: {Flag(Complete(_futures[f], State.Succeeded, op.Value, ""))}");
                break;
            case SetExceptionOp op:
                f = TaskProgram.FutureIndex(op.Future);
                Log.Add($"{who} fail f{f}: {Flag(Complete(_futures[f], State.Failed, 0, $"{nameof(ProgramException)} f{f} failed by {who}"))}");
                break;
            case CancelFutureOp op:
                f = TaskProgram.FutureIndex(op.Future);
                Log.Add($"{who} cancel f{f}: {Flag(CancelFuture(_futures[f]))}");
                break;
            case CancelTaskOp op:
                var t = _program.TaskIndex(op.Task);
                Log.Add($"{who} cancel t{t}: {Flag(CancelTask(_tasks[t]))}");
                break;
            case ThrowOp op:
                throw new ProgramException($"boom {op.Code} in {who}");
            default:
                throw new InvalidOperationException("not an action: " + action);
        }
    }
}
