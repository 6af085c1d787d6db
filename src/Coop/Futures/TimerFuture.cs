namespace Coop;

/// <summary>The future behind a sleep: cancelling it also cancels its timer, so a cancelled sleep
/// leaves nothing behind in the timer heap for long.</summary>
internal sealed class TimerFuture : Future
{
    internal TimerFuture(EventLoop loop)
        : base(loop)
    {
        CancelWithWaiter = true;
    }

    internal Handle? Timer { get; set; }

    public override bool Cancel(string? message = null)
    {
        if (!base.Cancel(message))
        {
            return false;
        }

        Timer?.Cancel();
        return true;
    }

    internal override string Describe() => "Sleep";
}
