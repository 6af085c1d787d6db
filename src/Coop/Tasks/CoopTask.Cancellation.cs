// Cancellation, both models, through one door. asyncio's one-shot Cancel() marks the task; Trio's
// level-triggered cancel scopes are the chain of cancel statuses the task is inside (CancelStatus.cs,
// innermost first). This file holds the one decision every await asks (is a cancellation due here,
// and which one) and the tokens the task hands to .NET code, which follow the same decision.
//
// The rule, innermost status outward:
//   - a shielded status hides everything outside it: outer statuses and the task's one-shot Cancel();
//   - among the canceled statuses visible, the OUTERMOST is raised: its exception passes through the
//     inner scopes (each catches only its own) and is caught by the scope that owns it;
//   - only when no visible status is canceled is the one-shot Cancel() raised, and consumed. A one-shot
//     cancel that arrives inside a canceled scope is not lost: it waits for the first await after.
// The token of code inside a status (CancellationToken) is canceled exactly while that code is being
// canceled by the rule above, so a token given to a BCL call is canceled by Cancel(), a scope, a
// deadline or a task group alike; after a one-shot cancellation was raised (and caught), code gets a
// fresh token. An OperationCanceledException carrying such a token that ends a coroutine becomes the
// cancellation it stands for (TranslateCancellation), so the scope that caused it catches it.
// Generator tasks take only the one-shot Cancel(): a generator cannot await in a finally block.
namespace Coop;

public abstract partial class CoopTask
{
    private const string TokenCanceledMessage = "The task's cancellation token was canceled.";

    /// <summary>A token for the .NET code this task runs now: canceled whenever that code is
    /// canceled (by <see cref="Cancel"/>, a cancel scope or its deadline, or a task group). Read it
    /// where you make the call: inside a cancel scope it is that scope's token. See docs/structure.md.</summary>
    public CancellationToken CancellationToken
    {
        get
        {
            var status = _extras?.Status;
            CancellationTokenSource source;
            if (status == null)
            {
                source = MoreState.TokenSource ??= new CancellationTokenSource();
            }
            else
            {
                source = status.TokenSource ??= new CancellationTokenSource();
            }

            if (!source.IsCancellationRequested && IsCanceledAt(status))
            {
                CancelAndReport(source);
            }

            return source.Token;
        }
    }

    internal string? CancelMessage => _extras?.CancelMessage;

    internal CancelStatus? InnermostStatus => _extras?.Status;

    /// <summary>Makes <paramref name="status"/> the innermost; returns the one it is entered in.</summary>
    internal CancelStatus? EnterStatus(CancelStatus status)
    {
        var outer = _extras?.Status;
        MoreState.Status = status;
        return outer;
    }

    internal void ExitStatus(CancelStatus status)
    {
        if (_extras?.Status != status)
        {
            throw new InvalidOperationException(
                $"{Describe()} left a cancel scope that is not its innermost one: scopes and task groups must be " +
                "left in the reverse order they were entered (use await using or their Run method, never store them).");
        }

        _extras.Status = status.Outer;
    }

    /// <summary>The door behind every await point: raises the cancellation due here, if any. The
    /// await resuming now awaited <paramref name="awaited"/>; if it handed this task a resource, it
    /// is given back first (Future.TryGiveBack); if it cannot be, the await completes and the
    /// cancellation waits for the next await.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void ThrowIfCancelRequested(Future? awaited = null)
    {
        if (IsCancelRequested || _extras?.Status != null)
        {
            ThrowIfCancellationDue(awaited);
        }
    }

    private void ThrowIfCancellationDue(Future? awaited)
    {
        if (IsCancellationDue(out var status) && (awaited is not { State: FutureState.Succeeded } || awaited.TryGiveBack()))
        {
            throw Raise(status, null);
        }
    }

    /// <summary>A coroutine of this task ends with <paramref name="error"/>: an
    /// OperationCanceledException carrying a token this task handed out, while that token's code is
    /// being canceled, becomes the cancellation due (with the original inside).</summary>
    internal Exception TranslateCancellation(Exception error)
    {
        if (error is CanceledException || error is not OperationCanceledException { CancellationToken: var token }
            || !token.IsCancellationRequested || !HandedOut(token) || !IsCancellationDue(out var status))
        {
            return error;
        }

        return Raise(status, error);
    }

    private bool HandedOut(CancellationToken token)
    {
        for (var status = _extras?.Status; status != null; status = status.Outer)
        {
            if (status.TokenSource is { } source && source.Token == token)
            {
                return true;
            }
        }

        return _extras?.TokenSource is { } own && own.Token == token;
    }

    /// <summary>True when a cancellation is due at an await of this task now; <paramref name="raisedBy"/>
    /// is the status whose cancellation it is, or null for the one-shot Cancel().</summary>
    private bool IsCancellationDue(out CancelStatus? raisedBy)
    {
        raisedBy = null;
        for (var status = _extras?.Status; status != null; status = status.Outer)
        {
            if (status.IsCanceled)
            {
                raisedBy = status; // keep walking: the outermost canceled status wins
            }

            if (status.Shield)
            {
                return raisedBy != null;
            }
        }

        return raisedBy != null || IsCancelRequested;
    }

    /// <summary>The exception of the cancellation due; the one-shot Cancel() is consumed by it.</summary>
    private CanceledException Raise(CancelStatus? status, Exception? inner)
    {
        if (status != null)
        {
            return status.NewException(inner);
        }

        _marks &= ~TaskMarks.CancelRequested;
        RefreshTokens();
        return new CanceledException(_extras?.CancelMessage, inner);
    }

    /// <summary>True while the code inside <paramref name="status"/> (null: outside every status) is
    /// being canceled, by the rule at the top of this file.</summary>
    private bool IsCanceledAt(CancelStatus? status) =>
        status == null ? IsCancelRequested || IsCanceled
        : status.IsCanceled || (!status.Shield && IsCanceledAt(status.Outer));

    /// <summary>Brings every token handed out in line with the rule: cancels those whose code is being
    /// canceled, and drops a canceled one whose code no longer is (a one-shot cancellation that was
    /// raised), so the next read hands out a fresh token.</summary>
    private void RefreshTokens()
    {
        if (_extras == null)
        {
            return;
        }

        _extras.TokenSource = Refreshed(_extras.TokenSource, IsCanceledAt(null));
        for (var status = _extras.Status; status != null; status = status.Outer)
        {
            status.TokenSource = Refreshed(status.TokenSource, IsCanceledAt(status));
        }
    }

    private CancellationTokenSource? Refreshed(CancellationTokenSource? source, bool canceled)
    {
        if (source == null || canceled == source.IsCancellationRequested)
        {
            return source;
        }

        if (!canceled)
        {
            return null;
        }

        CancelAndReport(source);
        return source;
    }

    /// <summary>A callback registered on a token that throws must not break a cancellation halfway
    /// or vanish: its error goes to the loop's exception handler.</summary>
    private void CancelAndReport(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException ex)
        {
            Loop.ReportError(new LoopError("A callback registered on the task's CancellationToken threw", ex, this, null));
        }
    }

    /// <summary>A token passed to CreateTask cancels the task (from any thread).</summary>
    internal void WatchToken(CancellationToken token)
    {
        if (!token.CanBeCanceled)
        {
            return;
        }

        if (token.IsCancellationRequested)
        {
            Cancel(TokenCanceledMessage);
            return;
        }

        MoreState.TokenRegistration = token.UnsafeRegister(
            static t => ((CoopTask)t!).Loop.TryPostFromAnyThread(CancelFromToken, t),
            this);
    }

    private static readonly Action<object?> CancelFromToken = static t => ((CoopTask)t!).Cancel(TokenCanceledMessage);

    /// <summary>At the end: the statuses the task never left (only a task group opened without
    /// <c>await using</c> can be left so) are told, so their owners report it; the token watch ends.</summary>
    private void ForgetExtras()
    {
        for (var status = _extras!.Status; status != null; status = status.Outer)
        {
            status.OnTaskEnded();
        }

        _extras.Status = null;
        _extras.Callers = null;
        _extras.TokenRegistration.Dispose();
    }
}
