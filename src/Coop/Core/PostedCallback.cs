// A callback another thread posted (CallSoonThreadsafe, a foreign awaitable's completion), on its way
// through the inbox and the ready queue. Its ready entry is recognised by its callback, RunAction, so
// that Close reports work that never ran instead of dropping it; every other ready entry stays two
// references (16 bytes), with no flag, since posts are the rare case. The outcome of foreign work
// (FromTask, ToThread) says itself what matters when the loop closes first (WhenLoopClosed).
namespace Coop.Core;

internal sealed class PostedCallback(Action<object?> callback, object? state, Action<object?>? whenLoopClosed = null)
{
    /// <summary>The ready-queue callback that runs a posted one.</summary>
    public static readonly Action<object?> RunAction = static p => ((PostedCallback)p!).Run();

    public object? State => state;

    /// <summary>What the poster handed over, for error reports: the Action given to
    /// CallSoonThreadsafe(Action) travels as the state of a static adapter.</summary>
    public Delegate Target => state as Delegate ?? callback;

    public ReadyItem ToReadyItem() => new(RunAction, this);

    /// <summary>What Close does with this post if it never ran: by default it reports a callback
    /// that never ran; the outcome of foreign work reports only an error it carries.</summary>
    public void OnLoopClosed(EventLoop loop)
    {
        if (whenLoopClosed != null)
        {
            whenLoopClosed(state);
        }
        else
        {
            loop.ReportError(new LoopError("A callback posted with CallSoonThreadsafe never ran: the loop was closed first.", null, null, Target));
        }
    }

    private void Run() => callback(state);
}
