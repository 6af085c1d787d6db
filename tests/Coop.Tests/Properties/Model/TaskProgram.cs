// A random program of async-coroutine tasks, shared futures and timer-driven callbacks, as data.
// Each task runs a list of ops; an awaiting op may catch what it sees ("?" when printed) or let it
// end the task. Task and future operands are taken modulo the number of tasks/futures when run, so
// every generated program is valid and shrinks freely. A task is an async or a generator coroutine. Drivers are callbacks scheduled before the
// run (CallLater with a delay in ms, or the inbox) that complete, fail or cancel things.
using System.Globalization;
using CsCheck;

namespace Coop.Tests.Properties.Model;

public abstract record TaskOp;

public sealed record YieldOp(bool Catch) : TaskOp
{
    public override string ToString() => "Y" + (Catch ? "?" : "");
}

public sealed record AwaitFutureOp(int Future, bool Catch) : TaskOp
{
    public override string ToString() => $"Af{Future}" + (Catch ? "?" : "");
}

/// <summary>Awaits another task: the target is <see cref="TaskProgram.OtherTask"/>(self, Offset).</summary>
public sealed record AwaitTaskOp(int Offset, bool Catch) : TaskOp
{
    public override string ToString() => $"At+{Offset}" + (Catch ? "?" : "");
}

public sealed record SleepOp(int Ms, bool Catch) : TaskOp
{
    public override string ToString() => $"Z{Ms}" + (Catch ? "?" : "");
}

public sealed record SetResultOp(int Future, int Value) : TaskOp
{
    public override string ToString() => $"Sf{Future}={Value}";
}

public sealed record SetExceptionOp(int Future) : TaskOp
{
    public override string ToString() => $"Ef{Future}";
}

public sealed record CancelTaskOp(int Task) : TaskOp
{
    public override string ToString() => $"Ct{Task}";
}

public sealed record CancelFutureOp(int Future) : TaskOp
{
    public override string ToString() => $"Cf{Future}";
}

/// <summary>Calls a nested coroutine running <see cref="Ops"/> and adds its result: `await Sub()` in
/// an async task (which may catch what the callee throws), `yield return Coroutine.Call` in a
/// generator (which cannot: an error ends the whole chain).</summary>
public sealed record CallOp(TaskOp[] Ops, bool Catch) : TaskOp
{
    public override string ToString() => "C(" + string.Join(" ", Ops.Select(o => o.ToString())) + ")" + (Catch ? "?" : "");
}

public sealed record ThrowOp(int Code) : TaskOp
{
    public override string ToString() => $"T{Code}";
}

/// <summary>A callback scheduled before the run: after <see cref="DelayMs"/> (or through the inbox
/// when <see cref="Inbox"/>) it does <see cref="Action"/> (not an awaiting op).</summary>
public sealed record Driver(int DelayMs, bool Inbox, TaskOp Action)
{
    public override string ToString() => (Inbox ? "I" : "L" + DelayMs.ToString(CultureInfo.InvariantCulture)) + ":" + Action;
}

/// <summary>One task: an async coroutine, or a generator coroutine when <see cref="Generator"/>
/// (which cannot catch a cancellation: it is disposed instead).</summary>
public sealed record TaskSpec(bool Generator, TaskOp[] Ops)
{
    public override string ToString() => (Generator ? "gen " : "") + string.Join(" ", Ops.Select(o => o.ToString()));
}

public sealed record TaskProgram(TaskSpec[] Tasks, Driver[] Drivers)
{
    public const int FutureCount = 3;

    public static int FutureIndex(int f) => f % FutureCount;

    public int TaskIndex(int t) => t % Tasks.Length;

    /// <summary>The task an AwaitTaskOp of task <paramref name="self"/> awaits: never itself; -1 if
    /// there is no other task (then the op does nothing).</summary>
    public int OtherTask(int self, int offset) =>
        Tasks.Length < 2 ? -1 : (self + 1 + (offset % (Tasks.Length - 1))) % Tasks.Length;

    public override string ToString() =>
        Environment.NewLine + string.Join(Environment.NewLine, Tasks.Select((task, i) => $"  t{i}: {task}"))
        + Environment.NewLine + "  drivers: " + string.Join(" ", Drivers.Select(d => d.ToString()));
}

public static class TaskProgramGen
{
    private static readonly Gen<int> FutureGen = Gen.Int[0, TaskProgram.FutureCount - 1];
    private static readonly Gen<int> TaskGen = Gen.Int[0, 3];
    private static readonly Gen<bool> CatchGen = Gen.Frequency((2, Gen.Const(false)), (1, Gen.Const(true)));

    /// <summary>Ops that complete, fail or cancel things (what drivers do too).</summary>
    public static readonly Gen<TaskOp> Action = Gen.Frequency(
        (4, Gen.Select(FutureGen, Gen.Int[1, 9], (f, v) => (TaskOp)new SetResultOp(f, v))),
        (2, FutureGen.Select(f => (TaskOp)new SetExceptionOp(f))),
        (2, TaskGen.Select(t => (TaskOp)new CancelTaskOp(t))),
        (1, FutureGen.Select(f => (TaskOp)new CancelFutureOp(f))),
        (1, Gen.Int[0, 9].Select(c => (TaskOp)new ThrowOp(c))));

    private static readonly Gen<TaskOp> FlatOp = Gen.Frequency(
        (4, CatchGen.Select(c => (TaskOp)new YieldOp(c))),
        (3, Gen.Select(FutureGen, CatchGen, (f, c) => (TaskOp)new AwaitFutureOp(f, c))),
        (2, Gen.Select(Gen.Int[0, 2], CatchGen, (o, c) => (TaskOp)new AwaitTaskOp(o, c))),
        (2, Gen.Select(Gen.Int[-1, 3], CatchGen, (ms, c) => (TaskOp)new SleepOp(ms, c))),
        (4, Action));

    /// <summary>An op whose nested calls go at most <paramref name="depth"/> deep.</summary>
    public static Gen<TaskOp> Op(int depth) => depth == 0
        ? FlatOp
        : Gen.Frequency((8, FlatOp), (1, Gen.Select(Op(depth - 1).Array[0, 5], CatchGen, (ops, c) => (TaskOp)new CallOp(ops, c))));

    public static readonly Gen<Driver> DriverGen = Gen.Select(
        Gen.Int[-1, 6], Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true))), Action,
        (delay, inbox, action) => new Driver(delay, inbox, action));

    public static readonly Gen<TaskProgram> Program = Gen.Select(
        Gen.Select(Gen.Bool, Op(2).Array[0, 8], (generator, ops) => new TaskSpec(generator, ops)).Array[1, 4],
        DriverGen.Array[0, 5],
        (tasks, drivers) => new TaskProgram(tasks, drivers));
}
