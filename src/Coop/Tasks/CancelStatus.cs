// The kernel's part of a cancel scope (Trio's CancelStatus): a stretch of one task's code that is
// canceled, or not, as a unit. A task keeps the chain of statuses it is inside, innermost first,
// each linked to the one it was entered in (Outer); CoopTask.Cancellation.cs decides from the chain
// which cancellation an await raises and which tokens are canceled. Cancel scopes and task groups
// (Structure/) own statuses and add deadlines, blocks and children; the kernel knows nothing of them.
// Talks to: CoopTask (its chain of statuses, the undo action of a wait, the tokens).
namespace Coop;

internal sealed class CancelStatus
{
    private const string DefaultReason = "The cancel scope was canceled.";

    private readonly Action? _onTaskEnded;
    private bool _shield;

    /// <param name="onTaskEnded">Called if the task ends while it is still inside this status (its
    /// block was never left), so the owner can report it rather than lose what it guards.</param>
    internal CancelStatus(Action? onTaskEnded = null) => _onTaskEnded = onTaskEnded;

    /// <summary>The task this status was entered in; null before.</summary>
    public CoopTask? Task { get; private set; }

    /// <summary>The status that was innermost in the task when this one was entered.</summary>
    public CancelStatus? Outer { get; private set; }

    /// <summary>True between <see cref="Enter"/> and its exit (or the task's end).</summary>
    public bool IsEntered { get; private set; }

    /// <summary>True once canceled; level-triggered: every await inside raises until it is left.</summary>
    public bool IsCanceled { get; private set; }

    /// <summary>Why it was canceled: the message of the exception it raises.</summary>
    public string Reason { get; private set; } = DefaultReason;

    /// <summary>While true, cancellations from outside (outer statuses, the task's one-shot Cancel)
    /// do not reach the code inside; its own still does.</summary>
    public bool Shield
    {
        get => _shield;
        set
        {
            _shield = value;
            if (IsEntered)
            {
                Task!.OnCancellationChanged();
            }
        }
    }

    /// <summary>The token source handed out to code inside this status (CoopTask.CancellationToken),
    /// made on first use and canceled with the status.</summary>
    internal CancellationTokenSource? TokenSource { get; set; }

    /// <summary>Makes this status the innermost of <paramref name="task"/>.</summary>
    public void Enter(CoopTask task)
    {
        Task = task;
        Outer = task.EnterStatus(this);
        IsEntered = true;
        if (IsCanceled)
        {
            task.OnCancellationChanged();
        }
    }

    /// <summary>Leaves the status, which must be its task's innermost: statuses nest like blocks.</summary>
    public void Exit()
    {
        Task!.ExitStatus(this);
        IsEntered = false;
    }

    /// <summary>Cancels the code inside: a parked task is woken, and every await raises from now on.</summary>
    public void Cancel(string? reason = null)
    {
        if (IsCanceled)
        {
            return;
        }

        IsCanceled = true;
        Reason = reason ?? DefaultReason;
        if (IsEntered)
        {
            Task!.OnCancellationChanged();
        }
    }

    /// <summary>The exception this status raises, tagged with it so that only its owner catches it.</summary>
    public CanceledException NewException(Exception? innerException = null)
    {
        WasRaised = true;
        return new(this, Reason, innerException);
    }

    /// <summary>True once this status's cancellation was raised in its task: an await after that
    /// raises again (debug mode reports it as cleanup cut short).</summary>
    internal bool WasRaised { get; private set; }

    internal void OnTaskEnded()
    {
        IsEntered = false;
        _onTaskEnded?.Invoke();
    }
}
