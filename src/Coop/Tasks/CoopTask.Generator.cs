// Stepping a generator coroutine: the talk's `next(task.routine)`, with `yield from` as a trampoline.
// The task keeps the chain of nested generators as a stack of frames and always resumes the top one,
// so a resume costs O(1) whatever the depth (Python's own `yield from` re-enters every frame).
// The task's own iterator, the bottom of the chain, is kept in the task (_body); the frames array
// holds only the generators it delegates to, and is made the first time it does: most never do.
// What a generator yields says what to do:
//   null, Sleep(0)    → yield: back of the ready queue;
//   ReturnValue       → the frame ends with that value (Python's `return x` in a generator);
//   IEnumerable / Call→ `yield from`: push a frame and go on in the same step;
//   Future            → park until it completes (sleep, a task, a lock...);
//   anything else     → the task fails with an error naming the type.
// A frame that throws ends the chain: every caller's iterator is disposed (its finally blocks run)
// and the task fails with the original exception, since C# iterators cannot catch across a yield.
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Coop;

public partial class CoopTask
{
    private struct Frame
    {
        public IEnumerator<object?> Routine;
        public Call? Call;
    }

    private int _depth; // how many of Frames are in use

    /// <summary>The generators above the task's own, innermost last (kept in _chain).</summary>
    private Frame[]? Frames => Unsafe.As<Frame[]?>(_chain);

    internal static CoopTask ForGenerator(EventLoop loop, IEnumerable<object?> routine, string? name, CancellationToken token)
    {
        var own = Enumerate(routine); // refused before the task exists
        var task = new CoopTask(loop, name) { _isGenerator = true };
        task._body = own;
        task.WatchToken(token);
        return task;
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

    /// <summary>The task's own iterator; null once the chain ended or was disposed.</summary>
    private IEnumerator<object?>? OwnRoutine => Unsafe.As<IEnumerator<object?>?>(_body);

    private void StepGenerator()
    {
        var wokenBy = TakeWokenBy();
        if (_cancelRequested && GiveBackHandOff(wokenBy))
        {
            EndCanceled();
            return;
        }

        while (true)
        {
            var routine = _depth == 0 ? OwnRoutine! : Frames![_depth - 1].Routine;
            object? yielded;
            try
            {
                if (!routine.MoveNext())
                {
                    if (PopFrame(null))
                    {
                        return;
                    }

                    continue;
                }

                yielded = routine.Current;
            }
            catch (Exception ex)
            {
                DropTop(); // the throwing iterator already ran its finally blocks
                FailGenerator(ex);
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
                ParkGenerator(future);
                return;
            }

            if (Follow(routine, yielded))
            {
                return;
            }
        }
    }

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
                    return PopFrame(returned);
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
                    // cancellation is still delivered here.
                    if (_cancelRequested)
                    {
                        StepGenerator();
                        return true;
                    }

                    return false;
                default:
                    FailGenerator(new InvalidOperationException(
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
            FailGenerator(ex);
            return true;
        }
    }

    /// <summary>Parks on a yielded pending future, or fails the task if it cannot wait on it.</summary>
    private void ParkGenerator(Future future)
    {
        if (WhyCannotParkOn(future) is { } why)
        {
            FailGenerator(new InvalidOperationException(why));
            return;
        }

        ParkOn(future);
    }

    /// <summary>Ends a chain whose task was canceled: every frame is disposed, innermost first. A
    /// finally block that throws turns the cancellation into that error (as a Python generator's
    /// close() does), so it is not lost.</summary>
    private void EndCanceled()
    {
        var disposeError = DisposeFrames();
        Finish(null, ExceptionDispatchInfo.Capture(disposeError ?? new CanceledException(_extras?.CancelMessage)));
    }

    private void Push(IEnumerator<object?> routine, Call? call)
    {
        var frames = Frames;
        if (frames == null || _depth == frames.Length)
        {
            Array.Resize(ref frames, Math.Max(4, _depth * 2));
            _chain = frames;
        }

        frames[_depth++] = new Frame { Routine = routine, Call = call };
    }

    /// <summary>Pops the finished top frame and hands its value to its caller; true when that ended
    /// the task (the task's own iterator finished).</summary>
    private bool PopFrame(ReturnValue? returned)
    {
        if (_depth == 0)
        {
            _body = null;
            Finish(returned?.Value, null);
            return true;
        }

        var frames = Frames!;
        var finished = frames[--_depth];
        frames[_depth] = default;
        finished.Call?.Deliver(returned);
        return false;
    }

    /// <summary>Forgets the top frame without running anything in it.</summary>
    private void DropTop()
    {
        if (_depth == 0)
        {
            _body = null;
        }
        else
        {
            Frames![--_depth] = default;
        }
    }

    private void FailGenerator(Exception ex)
    {
        if (DisposeFrames() is { } disposeError)
        {
            ex = new AggregateException("A generator's finally block threw while the task was failing.", ex, disposeError);
        }

        Finish(null, ExceptionDispatchInfo.Capture(ex));
    }

    /// <summary>Disposes every frame, innermost first, running their finally blocks; one that throws
    /// does not stop the others. Returns what they threw, or null.</summary>
    private Exception? DisposeFrames()
    {
        var frames = Frames;
        var depth = _depth;
        var own = OwnRoutine;
        _chain = null;
        _depth = 0;
        _body = null;
        List<Exception>? errors = null;
        for (var i = depth - 1; i >= -1; i--)
        {
            try
            {
                (i >= 0 ? frames![i].Routine : own)?.Dispose();
            }
            catch (Exception ex)
            {
                (errors ??= []).Add(ex);
            }
        }

        return errors switch
        {
            null => null,
            [var single] => single,
            _ => new AggregateException("Several finally blocks threw while a generator task was disposed.", errors),
        };
    }
}
