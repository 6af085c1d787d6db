// The loop's side of child processes: which way a child is started and waited for, and the children
// the loop still answers for. A child leaves that set once it has exited and its pipes are closed;
// what is in it when the loop closes is ended there (killed with SIGKILL if it still runs, reaped,
// reported) and its pipes closed, so that closing a loop leaves no zombie and no descriptor behind.
// The pidfd path needs the epoll poller (the pidfd is one of its registrations) and a kernel with
// waitid(P_PIDFD); everything else takes .NET's Process (ChildHandle.cs).
using Coop.Processes;

namespace Coop;

public sealed partial class EventLoop
{
    private HashSet<ChildProcess>? _children;

    /// <summary>How many children this loop still answers for (tests check they are let go).</summary>
    internal int ChildCount => _children?.Count ?? 0;

    /// <summary>True to start children through .NET's Process even where pidfds work (tests run both
    /// ways on one machine).</summary>
    internal bool ForceDotnetChildren { get; set; }

    /// <summary>True if this loop starts children with posix_spawn and waits through pidfds.</summary>
    internal bool UsesPidfdChildren =>
        !ForceDotnetChildren
        && (PollerKind == PollerKind.Epoll || (PollerKind == PollerKind.Automatic && OperatingSystem.IsLinux()))
        && PidfdChild.IsSupported;

    internal ChildProcess StartChild(LaunchSpec spec)
    {
        var (handle, pipes) = UsesPidfdChildren
            ? ((ChildHandle, ChildStdio))PidfdChild.Launch(this, spec)
            : DotnetChild.Launch(this, spec);
        ChildProcess child;
        try
        {
            child = new ChildProcess(this, spec, handle, pipes);
        }
        catch
        {
            handle.EndNow();
            throw;
        }

        if (_children == null)
        {
            _children = new HashSet<ChildProcess>();
            Closing += EndChildren;
        }

        _children.Add(child);
        child.Watch();
        return child;
    }

    internal void ForgetChild(ChildProcess child) => _children?.Remove(child);

    private void EndChildren()
    {
        var children = _children!;
        foreach (var child in children.ToArray())
        {
            if (child.EndForLoopClose())
            {
                ReportError(new LoopError(
                    $"{child} was still running when its event loop closed: the loop killed it (SIGKILL) and reaped it. " +
                    "End children before the loop does: ChildProcess.Run, or await WaitAsync or TerminateAsync.",
                    null, null, null));
            }
        }

        children.Clear();
    }
}
