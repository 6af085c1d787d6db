// How the loop waits for one child and signals it: the seam between ChildProcess and the two ways of
// starting one (docs/io.md, "Processes and signals").
// - PidfdChild (Linux, on the epoll poller): posix_spawn, then a pidfd registered with the poller;
//   the loop reaps the child itself with waitid(P_PIDFD) when the pidfd turns readable.
// - DotnetChild (the fallback: the portable poller, a kernel without pidfds, or this process running
//   as pid 1): .NET's Process starts the child and reaps it; its Exited event is posted to the inbox.
// Either way the exit reaches the loop thread as one call to the owner's exit callback, and no task
// needs to be waiting for the child to be reaped.
using System.Runtime.InteropServices;

namespace Coop.Processes;

internal abstract class ChildHandle
{
    private Action<int, PosixSignal?, Exception?>? _onExit;

    /// <summary>The child's process id.</summary>
    public abstract int Id { get; }

    /// <summary>Starts watching for the exit; <paramref name="onExit"/> runs once, on the loop thread,
    /// with the exit code (128 + n for signal n), the signal, or an error if the status was lost.</summary>
    public void Watch(Action<int, PosixSignal?, Exception?> onExit)
    {
        _onExit = onExit;
        StartWatching();
    }

    /// <summary>Sends platform signal <paramref name="number"/>; does nothing once the child is reaped.</summary>
    public abstract void Signal(int number);

    /// <summary>The loop is closing: if the child still runs, SIGKILL it and reap it now (blocking
    /// at most a few seconds), and return true; false if it had exited already.</summary>
    public abstract bool EndNow();

    protected abstract void StartWatching();

    /// <summary>Reports the exit to the owner (on the loop thread).</summary>
    protected void Exited(int exitCode, PosixSignal? signal, Exception? error = null)
    {
        var onExit = _onExit;
        _onExit = null;
        onExit?.Invoke(exitCode, signal, error);
    }
}
