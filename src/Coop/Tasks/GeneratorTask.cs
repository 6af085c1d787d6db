// A task that steps a generator coroutine: the talk's `next(task.routine)`, with `yield from` as a
// trampoline. The innermost iterator is the task's Innermost; the iterators it was delegated from
// wait below it, with the Call each one is to hear back through, on a stack kept in the task's side
// object (most generators never delegate). A resume touches only the innermost iterator, so it costs
// O(1) whatever the depth (Python's own `yield from` re-enters every frame).
// What a generator yields says what to do:
//   null, Sleep(0)    → yield: back of the ready queue;
//   ReturnValue       → the frame ends with that value (Python's `return x` in a generator);
//   IEnumerable / Call→ `yield from`: push a frame and go on in the same step;
//   Future            → park until it completes (sleep, a task, a lock...);
//   anything else     → the task fails with an error naming the type.
// A frame that throws ends the chain: every caller's iterator is disposed (its finally blocks run)
// and the task fails with the original exception, since C# iterators cannot catch across a yield.
// Talks to: CoopTask (Park, MakeReady, Finish), Call (the result of a `yield from`).
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Coop;

internal sealed class GeneratorTask : CoopTask
{
    internal GeneratorTask(EventLoop loop, IEnumerator<object?> routine, string? name)
        : base(loop, name)
    {
        Innermost = routine;
    }

    /// <summary>An iterator a frame above was delegated from, and the Call that frame reports to.</summary>
    internal struct Frame
    {
        public IEnumerator<object?> Routine;
        public Call? Call;
    }

    /// <summary>Starts a generator coroutine object, once: a second start (CreateTask, a yield from,
    /// a Call) is refused, as asyncio refuses to await a coroutine object twice. A C# iterator can be
    /// enumerated again, which would run its body again: its side effects twice, silently.</summary>
    /// <remarks>An iterator hands itself out the first time (no cost here) and a fresh copy of
    /// itself after that, or when it is first enumerated on another thread than the one that made it.
    /// The copy's type tells the two apart only through the iterator's state field (-2: never handed
    /// out); the other-thread starts are remembered in a weak table. An enumerable that is not a
    /// compiler-made iterator (a LINQ query over generators, a custom class) cannot be told apart and
    /// is not refused.</remarks>
    internal static IEnumerator<object?> Enumerate(IEnumerable<object?> generator)
    {
        var routine = generator.GetEnumerator();
        if (!ReferenceEquals(routine, generator) && routine.GetType() == generator.GetType() && WasStarted(generator))
        {
            routine.Dispose(); // a copy that never ran: nothing happens
            throw new InvalidOperationException(
                $"This generator object ({generator.GetType().Name}) was already started: a generator coroutine runs once, as a Python " +
                "coroutine object does. Call the generator method again for a new one (yielding it twice, or giving it to CreateTask " +
                "twice, would run its body twice).");
        }

        return routine;
    }

    private static readonly ConditionalWeakTable<object, object> s_startedOffThread = [];

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075",
        Justification = "The state field is used by the iterator's own code, so it is kept; if it is missing the check is skipped.")]
    private static bool WasStarted(IEnumerable<object?> generator)
    {
        var state = generator.GetType().GetField("<>1__state", BindingFlags.Instance | BindingFlags.NonPublic);
        if (state?.GetValue(generator) is not int value)
        {
            return false; // not a compiler-made iterator: nothing to tell by
        }

        // -2: it never handed itself out, so this is its first start on a thread that did not make it,
        // unless such a start happened before (static: loops on several threads may share it).
        return value != -2 || !s_startedOffThread.TryAdd(generator, generator);
    }

    private protected override void Run()
    {
        if (IsCancelRequested && (!IsStarted || GiveBack(Top.Current as Future)))
        {
            EndCanceled();
            return;
        }

        if (!IsStarted)
        {
            Start();
        }

        while (true)
        {
            var routine = Top;
            object? yielded;
            try
            {
                if (!routine.MoveNext())
                {
                    if (Pop(null))
                    {
                        return;
                    }

                    continue;
                }

                yielded = routine.Current;
            }
            catch (Exception ex)
            {
                Fail(ex, disposeInnermost: false); // the throwing iterator already ran its finally blocks
                return;
            }

            // The two yields that end a step, inline; every other value is followed out of line, so
            // this loop stays small (the JIT compiles it fast and keeps its state in registers).
            if (yielded == null)
            {
                MakeReady();
                return;
            }

            if (yielded is Future { IsDone: false } future)
            {
                ParkOn(future);
                return;
            }

            if (Follow(routine, yielded))
            {
                return;
            }
        }
    }

    /// <summary>The iterators of the chain, outermost first (task dumps).</summary>
    internal List<IEnumerator<object?>> Frames()
    {
        var frames = new List<IEnumerator<object?>>();
        for (var i = 0; i < (_extras?.Depth ?? 0); i++)
        {
            frames.Add(_extras!.Callers![i].Routine);
        }

        if (Innermost is IEnumerator<object?> top)
        {
            frames.Add(top);
        }

        return frames;
    }

    /// <summary>The innermost iterator: the one that runs next.</summary>
    private IEnumerator<object?> Top => Unsafe.As<IEnumerator<object?>>(Innermost!);

    private protected override object? BoxedResult => (base.BoxedResult as ReturnValue)?.Value;

    /// <summary>A cancellation is raised at the await the last yielded future woke: if that future
    /// handed this task a resource, it is given back first (Future.TryGiveBack).</summary>
    private static bool GiveBack(Future? yielded) => yielded is not { State: FutureState.Succeeded } || yielded.TryGiveBack();

    /// <summary>Does what a yielded value other than null or a pending future says; true when that
    /// ended the step.</summary>
    private bool Follow(IEnumerator<object?> routine, object yielded)
    {
        try
        {
            switch (yielded)
            {
                case ReturnValue returned:
                    routine.Dispose(); // a finally block that throws here fails the task (below)
                    return Pop(returned);
                case Call call:
                    Push(call.Start(), call);
                    return false;
                case IEnumerable<object?> inner:
                    Push(Enumerate(inner), null);
                    return false;
                case YieldFuture sleep0 when sleep0.Loop == Loop:
                    MakeReady(); // Sleep(0): a plain yield (Core/YieldFuture.cs)
                    return true;
                case Future:
                    // Done: waiting on it does not suspend (as for async coroutines), but a pending
                    // cancellation is still raised here.
                    if (IsCancelRequested)
                    {
                        Run();
                        return true;
                    }

                    return false;
                default:
                    Fail(new InvalidOperationException(
                        $"A generator coroutine yielded a {yielded.GetType().FullName}: yield null (to yield), " +
                        "Coroutine.Return(value), another generator, Coroutine.Call<T>(generator), or a Future."));
                    return true;
            }
        }
        catch (Exception ex) when (Status == CoopTaskStatus.Running && ex is not LoopInternalException)
        {
            // What the task was told to do with a yielded value failed (a Call yielded twice, a
            // GetEnumerator or a finally block that throws): the task fails with that error and its
            // frames are disposed, rather than the error escaping the step and leaving the task
            // Running forever.
            Fail(ex);
            return true;
        }
    }

    /// <summary>Parks on a yielded pending future, or fails the task if it cannot wait on it.</summary>
    private void ParkOn(Future future)
    {
        if (WhyCannotParkOn(future) is { } why)
        {
            Fail(new InvalidOperationException(why));
            return;
        }

        Park(future);
    }

    /// <summary>Ends a chain whose task was canceled: every frame is disposed, innermost first. A
    /// finally block that throws turns the cancellation into that error (as a Python generator's
    /// close() does), so it is not lost.</summary>
    private void EndCanceled()
    {
        var disposeError = DisposeFrames(disposeInnermost: true);
        Finish(null, ExceptionDispatchInfo.Capture(disposeError ?? new CanceledException(CancelMessage)));
    }

    private void Push(IEnumerator<object?> routine, Call? call)
    {
        var more = MoreState;
        if (more.Callers == null || more.Depth == more.Callers.Length)
        {
            Array.Resize(ref more.Callers, Math.Max(4, more.Depth * 2));
        }

        more.Callers[more.Depth++] = new Frame { Routine = Top, Call = call };
        Innermost = routine;
    }

    /// <summary>The innermost frame ended: its caller becomes the innermost and hears its value
    /// through its Call; true when that ended the task (the task's own iterator ended).</summary>
    private bool Pop(ReturnValue? returned)
    {
        if (_extras is not { Depth: > 0 } more)
        {
            Finish(returned, null); // kept as it came: a returned int is boxed only if it is read as an object
            return true;
        }

        var below = more.Callers![--more.Depth];
        more.Callers[more.Depth] = default;
        below.Call?.Deliver(returned);
        Innermost = below.Routine;
        return false;
    }

    private void Fail(Exception ex, bool disposeInnermost = true)
    {
        if (DisposeFrames(disposeInnermost) is { } disposeError)
        {
            ex = new AggregateException("A generator's finally block threw while the task was failing.", ex, disposeError);
        }

        Finish(null, ExceptionDispatchInfo.Capture(TranslateCancellation(ex)));
    }

    /// <summary>Disposes every frame, innermost first, running their finally blocks; one that throws
    /// does not stop the others. Returns what they threw, or null.</summary>
    private Exception? DisposeFrames(bool disposeInnermost)
    {
        List<Exception>? errors = null;
        var depth = _extras?.Depth ?? 0;
        for (var i = depth; i >= 0; i--)
        {
            var routine = i == depth ? (disposeInnermost ? Top : null) : _extras!.Callers![i].Routine;
            try
            {
                routine?.Dispose();
            }
            catch (Exception ex)
            {
                (errors ??= []).Add(ex);
            }
        }

        if (_extras != null)
        {
            _extras.Callers = null;
            _extras.Depth = 0;
        }

        return errors switch
        {
            null => null,
            [var single] => single,
            _ => new AggregateException("Several finally blocks threw while a generator task was disposed.", errors),
        };
    }
}
