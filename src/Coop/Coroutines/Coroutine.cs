// An async coroutine: what an `async Coroutine` method returns (Coop's AsyncMethodBuilder makes it).
// Calling the method only creates the coroutine (as calling a Python coroutine function does); it
// runs when a task starts it (CreateTask, EventLoop.Run) or when another coroutine awaits it, and
// then it runs inside that task, in the same step, with no trip through the loop. docs/design.md
// explains the choice (cold start) over .NET's hot-started Task.
//
// A coroutine is a frame of its task's chain. Awaited by another coroutine, it becomes the task's
// innermost frame, and the task's step starts it; when it ends, its awaiter becomes the innermost
// again and the same step resumes it (CoopTask.RunFrames: a trampoline, never a nested call). Given
// to CreateTask, its state machine moves into the task (IntoTask) and this object only reports on it.
//
// This class also carries the static entry points shared by both coroutine kinds: Return and Call
// for generators, Sleep and Yield for both; the combinators are in Structure/Coroutine.*.cs.
// Talks to: CoopTask (its innermost frame), the builder and the boxes (CompilerServices/).
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Coop.CompilerServices;
using YieldAwaitable = Coop.CompilerServices.YieldAwaitable;

namespace Coop;

/// <summary>
/// A coroutine: the result of calling an <c>async Coroutine</c> method. It runs when awaited from
/// another coroutine or when wrapped in a task (<see cref="EventLoop.CreateTask(Coroutine, string?, CancellationToken)"/>);
/// it can be awaited once. The static members are the vocabulary of generator coroutines too.
/// </summary>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder))]
public abstract partial class Coroutine
{
    // Who waits for this coroutine to end: the frame that awaits it (another Coroutine, or the task
    // whose root awaits it), ordinary async code's continuation (an Action), or, once it moved into a
    // task (IntoTask), that task.
    private object? _awaiter;
    private ExceptionDispatchInfo? _error;
    private FrameMarks _marks;

    private protected Coroutine()
    {
    }

    [Flags]
    private enum FrameMarks : byte
    {
        Awaited = 1,     // claimed by an await or a task: a coroutine runs once
        Started = 2,
        Ended = 4,
        BecameTask = 8,  // moved into the task in _awaiter
        MayEndOnAwait = 16, // the awaiter's IsCompleted may still run it to its end (TryEndOnAwait)
    }

    /// <summary>True once the coroutine has run to its end (with a result or an exception).</summary>
    public bool IsCompleted => (_marks & FrameMarks.BecameTask) != 0 ? MovedInto.IsDone : HasEnded;

    /// <summary>True once the coroutine has started.</summary>
    public bool IsStarted => (_marks & FrameMarks.BecameTask) != 0 ? MovedInto.IsStarted : (_marks & FrameMarks.Started) != 0;

    internal bool HasEnded => (_marks & FrameMarks.Ended) != 0;

    /// <summary>The awaiter's IsCompleted: true if the coroutine has ended, or if it is an operation
    /// that could end at once and has (<see cref="TryEndOnAwait"/>, tried once). Any other coroutine
    /// pays one test of its marks.</summary>
    internal bool IsDoneOnAwait =>
        (_marks & (FrameMarks.Ended | FrameMarks.MayEndOnAwait)) != 0 && (HasEnded || TryEndOnAwaitOnce());

    private CoopTask MovedInto => (CoopTask)_awaiter!;

    /// <summary>True once an await or a task claimed the coroutine (debug mode's dropped-coroutine check).</summary>
    internal bool IsClaimed => (_marks & FrameMarks.Awaited) != 0;

    /// <summary>Called with every coroutine an await or a task claims, while set (debug mode).</summary>
    internal static Action<Coroutine>? OnClaimed { get; set; }

    /// <summary>Who waits for this frame to end: the frame or task that awaits it (task dumps walk the
    /// chain outward with it), an Action, or null.</summary>
    internal object? AwaitedBy => _awaiter;

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

    /// <summary>Lets an async coroutine <c>await</c> this one; it runs inside the awaiting task.</summary>
    public CoroutineAwaiter GetAwaiter() => new(Claim("This coroutine was already awaited: a coroutine runs once (call the method again for a new one)."));

    /// <summary>Runs the coroutine's state machine until it suspends or ends.</summary>
    internal abstract void MoveNext();

    /// <summary>An operation that can often end without waiting (a socket receive or send whose system
    /// call succeeds at once) tries that here, in its awaiter's IsCompleted, before any frame is
    /// pushed: true if it ended (<see cref="EndOnAwait"/>), false to run as a frame, whose
    /// <see cref="MoveNext"/> then waits. IO/SocketOperation.cs says why this exists.</summary>
    private protected virtual bool TryEndOnAwait() => false;

    /// <summary>Called by the constructor of an operation written by hand: lets the awaiter try
    /// <see cref="TryEndOnAwait"/>, and debug mode watch it for a missing await as it watches the
    /// coroutines the builder makes.</summary>
    private protected void MadeToEndOnAwait()
    {
        _marks |= FrameMarks.MayEndOnAwait;
        Suspension.OnMade?.Invoke(this);
    }

    /// <summary>The operation ended inside its awaiter's IsCompleted, never having been a frame.</summary>
    private protected void EndOnAwait(Exception? error)
    {
        if (error != null)
        {
            _error = ExceptionDispatchInfo.Capture(error);
        }

        _marks |= FrameMarks.Started | FrameMarks.Ended;
    }

    private bool TryEndOnAwaitOnce()
    {
        _marks &= ~FrameMarks.MayEndOnAwait;
        return TryEndOnAwait();
    }

    /// <summary>Moves the state machine into a new task of <paramref name="loop"/>, whose root frame
    /// it becomes (one object per task); this object then reports on that task.</summary>
    internal abstract CoopTask IntoTask(EventLoop loop, string? name);

    private protected Coroutine Claim(string whenClaimed)
    {
        if ((_marks & FrameMarks.Awaited) != 0)
        {
            throw new InvalidOperationException(whenClaimed);
        }

        _marks |= FrameMarks.Awaited;
        OnClaimed?.Invoke(this);
        return this;
    }

    private protected void ClaimForTask() =>
        Claim("This coroutine was already started or awaited: a task needs a fresh coroutine.");

    private protected void BecameTask(CoopTask task)
    {
        _awaiter = task;
        _marks |= FrameMarks.BecameTask;
    }

    /// <summary>Awaited by the innermost frame of <paramref name="task"/>: this coroutine becomes the
    /// innermost, and the task's step starts it as soon as the caller's MoveNext returns (a chain
    /// 100,000 awaits deep is built in a loop, not 100,000 nested calls, which would overflow the stack).</summary>
    internal void RunAsCallee(CoopTask task)
    {
        _awaiter = task.Innermost;
        _marks |= FrameMarks.Started;
        task.Innermost = this;
    }

    /// <summary>Awaited by ordinary async code (an async Task method), which goes on after its await:
    /// inside an async task, it runs now (CoopTask.RunInline); anywhere else the await fails.</summary>
    internal void RunForForeignCaller(Action continuation)
    {
        var task = CoopTask.Current;
        if (task == null)
        {
            FailAwait(continuation, "A coroutine runs inside a Coop task: await it from another coroutine, or run it with loop.CreateTask or EventLoop.Run.");
        }
        else if (task.IsGenerator)
        {
            // A generator's step resumes only iterators: the coroutine would be lost at its first suspension.
            FailAwait(continuation, $"A coroutine was awaited from ordinary async code inside a generator task ({task.Describe()}): " +
                "a generator task cannot run an async coroutine. Run it as its own task (loop.CreateTask(coroutine)) and yield that task.");
        }
        else
        {
            task.RunInline(this, continuation);
        }
    }

    internal void BeginFor(Action continuation)
    {
        _awaiter = continuation;
        _marks |= FrameMarks.Started;
    }

    // The await ends with a clear error. Thrown from OnCompleted instead, it would escape to the
    // thread pool and end the process (AsyncMethodBuilderCore rethrows awaiter failures asynchronously).
    private void FailAwait(Action continuation, string message)
    {
        _error = ExceptionDispatchInfo.Capture(new InvalidOperationException(message));
        _marks |= FrameMarks.Ended;
        continuation();
    }

    internal void ThrowIfFailed() => _error?.Throw();

    /// <summary>The coroutine ended in <paramref name="task"/>: the frame that awaits it becomes the
    /// task's innermost again, and the task's step resumes it (ordinary async code is resumed by
    /// CoopTask.RunInline instead).</summary>
    internal void End(Exception? error, CoopTask task)
    {
        if (error != null)
        {
            _error = ExceptionDispatchInfo.Capture(task.TranslateCancellation(error));
        }

        _marks |= FrameMarks.Ended;
        if (_awaiter is not Action)
        {
            task.Innermost = _awaiter;
        }
    }
}
