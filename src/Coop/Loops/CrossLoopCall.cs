// Calling a coroutine on another loop from a coroutine on this one (LoopGroup.CallAsync): the call
// goes to the other loop through EventLoop.InvokeAsync (its inbox), and its Task's outcome comes back
// through this loop's inbox (Coroutine.FromTask), so neither loop ever blocks on the other.
// Cancellation crosses over and stays structured: a caller canceled while the call runs cancels the
// call there and waits, shielded, until it has ended, so nothing the caller started outlives its
// cancellation (Trio's rule; asyncio's run_coroutine_threadsafe lets the caller leave at once). A call
// that ignores its cancellation therefore holds its caller too.
namespace Coop.Loops;

internal static class CrossLoopCall
{
    public static Coroutine<T> Run<T>(EventLoop target, Func<Coroutine<T>> function)
    {
        if (EventLoop.CurrentOrNull == null)
        {
            throw new InvalidOperationException("LoopGroup.CallAsync is awaited from a coroutine on an event loop (from any other thread, use EventLoop.InvokeAsync).");
        }

        return Call(target, function);
    }

    public static Coroutine Run(EventLoop target, Func<Coroutine> function)
    {
        if (EventLoop.CurrentOrNull == null)
        {
            throw new InvalidOperationException("LoopGroup.CallAsync is awaited from a coroutine on an event loop (from any other thread, use EventLoop.InvokeAsync).");
        }

        return Call(target, function);
    }

    private static async Coroutine<T> Call<T>(EventLoop target, Func<Coroutine<T>> function)
    {
        using var stop = new CancellationTokenSource();
        var call = target.InvokeAsync(function, stop.Token);
        try
        {
            return await Coroutine.FromTask(call);
        }
        catch (CanceledException) when (!call.IsCompleted)
        {
            await CancelAndWait(stop, call);
            throw;
        }
    }

    private static async Coroutine Call(EventLoop target, Func<Coroutine> function)
    {
        using var stop = new CancellationTokenSource();
        var call = target.InvokeAsync(function, stop.Token);
        try
        {
            await Coroutine.FromTask(call);
        }
        catch (CanceledException) when (!call.IsCompleted)
        {
            await CancelAndWait(stop, call);
            throw;
        }
    }

    /// <summary>The caller was canceled: cancels the call on its loop and waits for its end, in a
    /// shielded scope (the caller's cancellation must not cut this wait short).</summary>
    private static async Coroutine CancelAndWait(CancellationTokenSource stop, Task call)
    {
        stop.Cancel(); // its one registration posts the cancellation to the other loop: no blocking work here
        var shielded = new CancelScope { Shield = true };
        await shielded.RunAsync(async _ => await Coroutine.FromTask(Task.WhenAny(call)));
    }
}
