// Level-triggered cancellation (Trio's cancel scopes) beside asyncio's one-shot Cancel, through the
// same door. A task keeps the stack of cancel scopes it is inside: Scope is the innermost, and each
// scope links to the one it was entered in (CancelScope.Outer). This file holds the one decision every
// await point asks — is a cancellation deliverable now, and which one — and the undo action of a wait
// that both Cancel() and a canceled scope use (STYLE 8: one mechanism, one place).
//
// The rule, innermost scope outward:
//   - a shielded scope hides everything outside it: outer scopes and the task's one-shot Cancel();
//   - among the canceled scopes visible, the OUTERMOST is raised: its exception passes through the
//     inner scopes (they do not catch another scope's exception) and is caught by the scope it names;
//   - only when no visible scope is canceled is the one-shot Cancel() raised (and consumed). So a
//     one-shot cancel that arrives inside a canceled scope is not lost: it waits, still pending, for
//     the first await after the scope is left.
// Generator tasks hold no cancellable scope (scopes run async bodies; a task group opened in a generator
// leaves a body scope that is never canceled, only to mark the group open), so CoopTask.Generator.cs
// keeps its plain _cancelRequested check.
namespace Coop;

public partial class CoopTask
{
    // The innermost active scope lives in Extras: most tasks never enter one, so for them the check
    // every await makes stays one null test.
    private CancelScope? Scope => _extras?.Scope;

    /// <summary>How many one-shot cancellations were raised in this task: lets a task group opened
    /// with <c>await using</c> see that its body was canceled (DisposeAsync is not told why the
    /// block ended).</summary>
    internal int OneShotCancelsDelivered => _extras?.OneShotCancelsDelivered ?? 0;

    internal string? CancelMessage => _extras?.CancelMessage;

    internal CancelScope? InnermostScope => Scope;

    /// <summary>True for a task that drives a generator coroutine (it cannot hold cancel scopes).</summary>
    internal bool IsGenerator => _isGenerator;

    /// <summary>The scope now entered becomes the innermost.</summary>
    internal void PushScope(CancelScope scope)
    {
        MoreState.Scope = scope;
    }

    /// <summary>Leaves <paramref name="scope"/>, which must be the innermost: scopes nest like blocks.</summary>
    internal void PopScope(CancelScope scope)
    {
        if (Scope != scope)
        {
            throw new InvalidOperationException(
                $"{Describe()} left a cancel scope that is not its innermost one: scopes and task groups must be " +
                "left in the reverse order they were entered (use await using / CancelScope.Run, never store them).");
        }

        _extras!.Scope = scope.Outer;
    }

    /// <summary>The undo action of the current wait: if the task is parked on a future and a
    /// cancellation is deliverable, leave the future (its later wake-up is ignored as stale, STYLE 9),
    /// cancel it if it existed only for this wait (a sleep's timer), and make the task ready so the
    /// await point raises.</summary>
    internal void WakeForCancellation(string? message)
    {
        if (WaitingOn is { } future && IsCancellationDeliverable(out _))
        {
            _wait = null; // left, not woken: no hand-off to give back
            future.NoteWaiterLeft();
            MakeReady();
            if (future.CancelWithWaiter && !future.HasOtherWaitingTask(this))
            {
                future.Cancel(message); // not when shared: canceling a waiter never harms other waiters
            }
        }
    }

    private bool IsCancellationDeliverable(out CancelScope? raisedBy)
    {
        raisedBy = null;
        for (var scope = Scope; scope != null; scope = scope.Outer)
        {
            if (scope.IsCancellationRequested)
            {
                raisedBy = scope; // keep walking: the outermost canceled scope wins
            }

            if (scope.Shield)
            {
                return raisedBy != null;
            }
        }

        return raisedBy != null || _cancelRequested;
    }

    private void ThrowDeliverableCancellation()
    {
        if (!IsCancellationDeliverable(out var scope))
        {
            return;
        }

        if (scope != null)
        {
            throw scope.NewCanceledException();
        }

        _cancelRequested = false;
        MoreState.OneShotCancelsDelivered++;
        throw new CanceledException(_extras?.CancelMessage);
    }

    /// <summary>The task ended inside scopes it never left: only a task group's body scope can be left
    /// so (a <c>new TaskGroup()</c> without <c>await using</c>); report it and let the group cancel its
    /// children, rather than lose their errors.</summary>
    private void ForgetScopes()
    {
        for (var scope = Scope; scope != null; scope = scope.Outer)
        {
            scope.Abandon();
        }

        _extras!.Scope = null;
    }
}
