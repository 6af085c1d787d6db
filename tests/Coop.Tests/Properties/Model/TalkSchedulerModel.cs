// A reference model of the talk's Scheduler, written from the notebook and independent of Coop's
// code: a deque of tasks, each task a stack of frames (the `yield from` chain), run round-robin;
// each step runs the top frame until it yields, returns to its caller (which goes on in the same
// step), or throws (which ends every frame, innermost first, and fails the task: Coop's generators
// cannot catch across a yield). A finally block that throws replaces the error of its own frame
// (C#'s rule); one that throws while the callers are disposed is joined to the error in an
// AggregateException (Coop's rule, docs/design.md). It produces the notebook's trace lines, the two
// result dictionaries, and the same enter/finally log the interpreted programs write.
using System.Globalization;

namespace Coop.Tests.Properties.Model;

public sealed class TalkSchedulerModel
{
    private sealed class Frame(GenBody body, string id)
    {
        public GenBody Body { get; } = body;

        public string Id { get; } = id;

        public int Pc { get; set; }

        public int Acc { get; set; }

        public bool Started { get; set; }

        /// <summary>Set while a child called with ReadResult runs: its value is added to Acc.</summary>
        public bool ReadingChild { get; set; }
    }

    private sealed class ModelTask(int id, Frame root)
    {
        public int Id { get; } = id;

        public Stack<Frame> Frames { get; } = new([root]);
    }

    public string Trace { get; private set; } = "";

    public Dictionary<int, object?> CompletedTaskResults { get; } = new();

    public Dictionary<int, string> FailedTaskMessages { get; } = new();

    public List<string> Log { get; } = new();

    /// <summary>Runs <paramref name="programs"/> as tasks with ids <paramref name="ids"/>; frame ids
    /// are "t{index}" for a task's root, then ".{instruction index}" per nested call.</summary>
    public void Run(IReadOnlyList<GenBody> programs, IReadOnlyList<int> ids)
    {
        var trace = new StringWriter();
        var runnable = new Queue<ModelTask>();
        for (var i = 0; i < programs.Count; i++)
        {
            runnable.Enqueue(new ModelTask(ids[i], new Frame(programs[i], "t" + i.ToString(CultureInfo.InvariantCulture))));
        }

        while (runnable.Count != 0)
        {
            var task = runnable.Dequeue();
            trace.Write($"Running task {task.Id}...");
            switch (Step(task, out var outcome))
            {
                case StepEnd.Yielded:
                    trace.WriteLine("Now yielded");
                    runnable.Enqueue(task);
                    break;
                case StepEnd.Returned:
                    trace.WriteLine("Completed with result: " + Repr(outcome));
                    CompletedTaskResults[task.Id] = outcome;
                    break;
                case StepEnd.Threw:
                    trace.WriteLine("Failed with exception: " + outcome);
                    FailedTaskMessages[task.Id] = (string)outcome!;
                    break;
            }
        }

        Trace = trace.ToString();
    }

    private enum StepEnd
    {
        Yielded,
        Returned,
        Threw,
    }

    private StepEnd Step(ModelTask task, out object? outcome)
    {
        while (true)
        {
            var frame = task.Frames.Peek();
            if (!frame.Started)
            {
                frame.Started = true;
                Log.Add("enter " + frame.Id);
            }

            if (frame.Pc == frame.Body.Instrs.Length)
            {
                if (frame.Body.FinallyThrows)
                {
                    outcome = Fail(task, null);
                    return StepEnd.Threw;
                }

                if (Return(task, null, out outcome))
                {
                    return StepEnd.Returned;
                }

                continue;
            }

            var index = frame.Pc++;
            switch (frame.Body.Instrs[index])
            {
                case YieldInstr:
                    outcome = null;
                    return StepEnd.Yielded;
                case CallInstr call:
                    frame.ReadingChild = call.ReadResult;
                    task.Frames.Push(new Frame(call.Child, GenInterpreter.ChildId(frame.Id, index)));
                    break;
                case ReturnInstr ret:
                    if (frame.Body.FinallyThrows)
                    {
                        outcome = Fail(task, null);
                        return StepEnd.Threw;
                    }

                    if (Return(task, ret.Value + frame.Acc, out outcome))
                    {
                        return StepEnd.Returned;
                    }

                    break;
                case ThrowInstr thrown:
                    outcome = Fail(task, GenInterpreter.ThrowMessage(thrown, frame.Id));
                    return StepEnd.Threw;
            }
        }
    }

    /// <summary>The top frame ends with <paramref name="error"/> (null: it was returning, and its
    /// finally block throws); then every caller is disposed. Returns the task's error message.</summary>
    private string Fail(ModelTask task, string? error)
    {
        var top = task.Frames.Pop();
        Log.Add("finally " + top.Id);
        if (top.Body.FinallyThrows)
        {
            error = GenInterpreter.FinallyMessage(top.Id);
        }

        var disposeErrors = new List<string>();
        while (task.Frames.Count > 0)
        {
            var caller = task.Frames.Pop();
            Log.Add("finally " + caller.Id);
            if (caller.Body.FinallyThrows)
            {
                disposeErrors.Add(GenInterpreter.FinallyMessage(caller.Id));
            }
        }

        if (disposeErrors.Count == 0)
        {
            return error!;
        }

        var disposeError = disposeErrors.Count == 1
            ? disposeErrors[0]
            : Aggregate("Several finally blocks threw while a generator task was disposed.", disposeErrors);
        return Aggregate("A generator's finally block threw while the task was failing.", [error!, disposeError]);
    }

    /// <summary>The message of an AggregateException: its own, then each inner one in parentheses.</summary>
    private static string Aggregate(string message, IEnumerable<string> inner) =>
        message + string.Concat(inner.Select(m => " (" + m + ")"));

    /// <summary>Ends the top frame with <paramref name="value"/>; true when that ended the task.</summary>
    private bool Return(ModelTask task, int? value, out object? outcome)
    {
        Log.Add("finally " + task.Frames.Pop().Id);
        outcome = value;
        if (task.Frames.Count == 0)
        {
            return true;
        }

        var caller = task.Frames.Peek();
        if (caller.ReadingChild)
        {
            caller.Acc += value ?? 0;
            caller.ReadingChild = false;
        }

        return false;
    }

    private static string Repr(object? value) => value switch
    {
        null => "None",
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException("the model only returns ints or None"),
    };
}
