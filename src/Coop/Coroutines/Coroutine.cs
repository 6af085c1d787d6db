// An async coroutine: what an `async Coroutine` method returns (Coop's AsyncMethodBuilder makes it).
// Calling the method only creates the coroutine (as calling a Python coroutine function does);
// it runs when a task starts it (CreateTask, EventLoop.Run) or when another coroutine awaits it, and
// then it runs inside that task, in the same step, with no trip through the loop.
// docs/design.md explains the choice (cold start) over .NET's hot-started Task.
//
// This class also carries the static entry points shared by both coroutine kinds: Return and Call
// for generators, Sleep and Yield for both; the combinators (Gather, Wait, WaitFor, Shield,
// ToThread) are in Structure/Coroutine.*.cs.
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Coop.CompilerServices;

namespace Coop;

/// <summary>
/// A coroutine: the result of calling an <c>async Coroutine</c> method. It runs when awaited from
/// another coroutine or when wrapped in a task (<see cref="EventLoop.CreateTask(Coroutine, string?, CancellationToken)"/>);
/// it can be awaited once. The static members are the vocabulary of generator coroutines too.
/// </summary>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder))]
public abstract partial class Coroutine
{
    // Created --first await or task start--> Running --SetResult/SetException--> Done.
    // One field, two meanings in turn (a coroutine frame stays small: a chain may hold thousands):
    // until the coroutine ends, whom to hand control back to (the awaiting coroutine, its resume
    // Action, or the task it is the root of); once it has ended, its error (null if it succeeded).
    private object? _link;
    private bool _awaited;

    private protected Coroutine()
    {
    }

    /// <summary>True once the coroutine has run to its end (with a result or an exception).</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>True once the coroutine has started.</summary>
    public bool IsStarted { get; private set; }

    internal CoopTask? Task { get; private set; }

    // Made per suspension, not kept: only awaiters outside Coop's kernel need an Action (the fast
    // path, Suspension.TrySuspendDirect, resumes the coroutine itself), so no field is spent on it.
    internal Action MoveNextAction => MoveNext;

    internal virtual object? BoxedResult => null;

    /// <summary>Ends a generator coroutine with <paramref name="value"/>: <c>yield return Coroutine.Return(x);</c>
    /// The value keeps its type: a <see cref="Coop.Call{T}"/> of the same type reads it without boxing.</summary>
    public static ReturnValue Return<T>(T value) => new ReturnValue<T>(value);

    /// <summary>Ends a generator coroutine with <paramref name="value"/> (an untyped value, or null).</summary>
    public static ReturnValue Return(object? value) => new ReturnValue<object?>(value);

    /// <summary>A <c>yield from</c> whose result the caller can read afterwards (<see cref="Call{T}.Result"/>).</summary>
    public static Call<T> Call<T>(IEnumerable<object?> inner) => new(inner);

    /// <summary>A future that completes after <paramref name="seconds"/> on the running loop, using no
    /// CPU meanwhile: <c>await Coroutine.Sleep(1)</c> or <c>yield return Coroutine.Sleep(1)</c>.
    /// <c>Sleep(0)</c> (or less) is a plain yield, as asyncio's <c>sleep(0)</c> is: no timer, and the
    /// task goes to the back of the ready queue as with <see cref="Yield"/>.</summary>
    public static Future Sleep(double seconds) => EventLoop.Current.Sleep(seconds);

    /// <summary>A future that completes after <paramref name="delay"/> (see <see cref="Sleep(double)"/>).</summary>
    public static Future Sleep(TimeSpan delay) => Sleep(EventLoop.SecondsOf(delay));

    /// <summary>Hands control back to the loop: the task goes to the back of the ready queue
    /// (<c>await Coroutine.Yield()</c>; generators write <c>yield return null</c>).</summary>
    public static YieldAwaitable Yield() => default;

    /// <summary>Runs the coroutine's state machine until it suspends or ends.</summary>
    internal abstract void MoveNext();

    internal CoroutineAwaiter GetAwaiterOnce()
    {
        if (_awaited)
        {
            throw new InvalidOperationException("This coroutine was already awaited: a coroutine runs once (call the method again for a new one).");
        }

        _awaited = true;
        return new CoroutineAwaiter(this);
    }

    /// <summary>Lets an async coroutine <c>await</c> this one; it runs inside the awaiting task.</summary>
    public CoroutineAwaiter GetAwaiter() => GetAwaiterOnce();

    /// <summary>Starts the coroutine as the root of <paramref name="task"/>.</summary>
    internal void AttachAsRoot(CoopTask task)
    {
        if (_awaited || IsStarted || _link != null)
        {
            throw new InvalidOperationException("This coroutine was already started or awaited: a task needs a fresh coroutine.");
        }

        _awaited = true;
        _link = task;
    }

    internal void StartIn(CoopTask task)
    {
        MarkStartedIn(task);
        MoveNext();
    }

    private void MarkStartedIn(CoopTask task)
    {
        Task = task;
        IsStarted = true;
    }

    /// <summary>Awaited by <paramref name="caller"/> (a coroutine, or the resume Action of code that is
    /// not one) in <paramref name="task"/>: remembers whom to resume, then starts this coroutine if it
    /// has not started, in the same step. If it ends before suspending, the caller resumes from the
    /// task's trampoline, in the same step too.</summary>
    internal void RunAsCallee(object caller, CoopTask? task)
    {
        if (task == null)
        {
            // Only code that is not a Coop coroutine awaits outside a task.
            FailAwait((Action)caller, "A coroutine runs inside a Coop task: await it from another coroutine, or run it with loop.CreateTask or EventLoop.Run.");
            return;
        }

        if (task.IsGenerator)
        {
            // Ordinary async code called from a generator awaits it: a generator's step resumes only
            // iterators, so the coroutine would be lost at its first suspension.
            FailAwait((Action)caller, $"A coroutine was awaited from ordinary async code inside a generator task ({task.Describe()}): " +
                "a generator task cannot run an async coroutine. Run it as its own task (loop.CreateTask(coroutine)) and yield that task.");
            return;
        }

        _link = caller;
        if (IsStarted)
        {
            return;
        }

        if (caller is Coroutine)
        {
            // Started by the task's trampoline right after the caller's MoveNext returns (the caller
            // has nothing left to do after an await): a chain 100,000 awaits deep is built in a loop,
            // not 100,000 MoveNext calls deep on the stack, which would overflow it.
            MarkStartedIn(task);
            task.ContinueWith(this);
        }
        else
        {
            // Ordinary async code goes on after its await (it returns its Task to its own caller),
            // so the coroutine runs now, before that code can wait on anything else.
            StartIn(task);
        }
    }

    // Awaited where it cannot run (from an async Task method outside any task, or inside a generator
    // task): the await ends with a clear error. Thrown from OnCompleted instead, it would escape to the
    // thread pool and end the process (AsyncMethodBuilderCore rethrows awaiter failures asynchronously).
    private void FailAwait(Action caller, string message)
    {
        _link = ExceptionDispatchInfo.Capture(new InvalidOperationException(message));
        IsCompleted = true;
        caller();
    }

    internal void SetException(Exception exception) => Complete(ExceptionDispatchInfo.Capture(exception));

    internal void SetVoidResult() => Complete(null);

    internal ExceptionDispatchInfo? ErrorInfo => IsCompleted ? Unsafe.As<ExceptionDispatchInfo?>(_link) : null;

    internal Exception? Error => ErrorInfo?.SourceException;

    internal void ThrowIfFailed() => ErrorInfo?.Throw();

    private protected void Complete(ExceptionDispatchInfo? error)
    {
        var next = _link;
        _link = error;
        IsCompleted = true;
        switch (next)
        {
            case Coroutine or Action:
                // Resume the awaiting coroutine from the task's step loop, not from here: a chain
                // finishing 100,000 frames deep must not grow the stack by 100,000 calls.
                Task!.ContinueWith(next);
                break;
            case CoopTask root:
                root.OnRootCompleted(this);
                break;
        }
    }
}
