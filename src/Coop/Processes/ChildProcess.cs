// A child process of the loop (asyncio's asyncio.subprocess.Process, Trio's trio.Process): started
// with an argument list and no shell, its standard streams inherited, piped as ByteStreams,
// redirected to a file or discarded; waited for on the loop; signaled; always reaped.
// The loop reaps the child as soon as it exits, whether or not a task waits: the exit is an event of
// the poller (a pidfd) or a post to the inbox (.NET's Process, the fallback), handled by
// ChildHandle's subclasses, never a task's job. So a child that nobody awaits never stays a zombie, and
// a child still running when its loop closes is killed, reaped and reported (EventLoop.Processes.cs).
// Start is the low-level door: the caller owns the child. The structured doors are in
// ChildProcess.Run.cs: Run runs a child to its end, and ends it if the caller is canceled (SIGTERM, a
// grace period, SIGKILL), so a child started inside a task group or a cancel scope never outlives it.
// Everything here runs on the loop thread.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Coop.Processes;

namespace Coop;

/// <summary>A child process started by <see cref="Start"/> on the running event loop.</summary>
/// <remarks>
/// <para>The loop reaps the child when it exits, whether or not anything awaits <see cref="WaitAsync"/>,
/// so it never lingers as a zombie; a child still running when its loop closes is killed with SIGKILL,
/// reaped, and reported to the loop's exception handler. <see cref="Run(string, IEnumerable{string}?, Func{ChildProcess, Coroutine}, ProcessOptions?)"/>
/// is the structured form: the child cannot outlive the call.</para>
/// <para>On Linux with the epoll poller the loop waits for the child through a pidfd; with the
/// portable poller, a kernel older than 5.4, or this process running as pid 1, through .NET's
/// <see cref="System.Diagnostics.Process"/> (docs/io.md, "Processes and signals").</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed partial class ChildProcess
{
    private readonly EventLoop _loop;
    private readonly ChildHandle _handle;
    private readonly ExitFuture _exit;
    private readonly ProcessPipe? _stdin;
    private readonly ProcessPipe? _stdout;
    private readonly ProcessPipe? _stderr;

    internal ChildProcess(EventLoop loop, LaunchSpec spec, ChildHandle handle, ChildStdio pipes)
    {
        _loop = loop;
        _handle = handle;
        Command = spec.Command;
        TerminateGracePeriod = spec.Options.TerminateGracePeriod;
        _exit = new ExitFuture(loop, this);
        _stdin = Pipe(loop, pipes.Stdin, "stdin", sends: true);
        _stdout = Pipe(loop, pipes.Stdout, "stdout", sends: false);
        _stderr = Pipe(loop, pipes.Stderr, "stderr", sends: false);
    }

    /// <summary>The process id.</summary>
    public int Id => _handle.Id;

    /// <summary>The program and its arguments, for messages.</summary>
    public string Command { get; }

    /// <summary>The child's standard input, if it is a pipe (<see cref="ProcessStdio.Pipe"/>): send on
    /// it; <see cref="ByteStream.SendEofAsync"/> or <see cref="ByteStream.CloseAsync"/> closes it and
    /// the child reads end of file. Receiving from it throws <see cref="NotSupportedException"/>.</summary>
    public ByteStream? Stdin => _stdin;

    /// <summary>The child's standard output, if it is a pipe: receive from it (cancel-safe); 0 is end
    /// of file. Sending on it throws <see cref="NotSupportedException"/>.</summary>
    public ByteStream? Stdout => _stdout;

    /// <summary>The child's standard error, if it is a pipe (see <see cref="Stdout"/>).</summary>
    public ByteStream? Stderr => _stderr;

    /// <summary>True once the child has exited and been reaped.</summary>
    public bool HasExited => _exit.IsDone;

    /// <summary>The exit code once the child has exited, else null; for a child ended by signal n,
    /// 128 + n (137 for SIGKILL), as shells and .NET's <c>Process.ExitCode</c> report it.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The signal that ended the child, or null (still running, exited by itself, or not
    /// known: the fallback through .NET's Process cannot tell). A signal without a
    /// <see cref="PosixSignal"/> member is its number cast to the enum: <c>(PosixSignal)9</c> is SIGKILL.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>How long <see cref="TerminateAsync()"/> and a canceled <c>Run</c> wait between SIGTERM
    /// and SIGKILL (<see cref="ProcessOptions.TerminateGracePeriod"/>).</summary>
    public TimeSpan TerminateGracePeriod { get; }

    /// <summary>Starts <paramref name="command"/> through the system shell, <c>/bin/sh -c</c> (asyncio's
    /// <c>create_subprocess_shell</c>): pipes, redirections, globs and variables are the shell's to
    /// expand. Only for a command line you wrote: text from outside must go to <see cref="Start"/> as
    /// arguments, where no shell reads it.</summary>
    /// <param name="command">The command line, as a shell reads it.</param>
    /// <param name="options">As for <see cref="Start"/>.</param>
    /// <returns>The running shell, which ends when the command does; its exit code is the command's.</returns>
    /// <exception cref="ArgumentException"><paramref name="command"/> is null or blank.</exception>
    /// <exception cref="InvalidOperationException">No event loop runs on this thread, or it is closed.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows.</exception>
    public static ChildProcess StartShell(string command, ProcessOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        return Start("/bin/sh", ["-c", command], options);
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/> on the running loop,
    /// with no shell: each argument reaches the child as it is (for a shell, <see cref="StartShell"/>).</summary>
    /// <param name="program">A program name searched in the child's PATH, or a path (with a '/').</param>
    /// <param name="arguments">The arguments, without the program's name.</param>
    /// <param name="options">Standard streams, working directory, environment; the defaults inherit
    /// this process's.</param>
    /// <returns>The running child. The caller owns it: await <see cref="WaitAsync"/> or
    /// <see cref="TerminateAsync()"/>, and close its pipes.</returns>
    /// <exception cref="FileNotFoundException">The program does not exist, or is not found in PATH.</exception>
    /// <exception cref="DirectoryNotFoundException">The working directory does not exist.</exception>
    /// <exception cref="InvalidOperationException">No event loop runs on this thread, or it is closed.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows.</exception>
    public static ChildProcess Start(string program, IEnumerable<string>? arguments = null, ProcessOptions? options = null)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Coop's child processes need Linux or another Unix.");
        }

        var loop = EventLoop.Current;
        loop.CheckNotClosed("ChildProcess.Start");
        var spec = LaunchSpec.Create(program, arguments, options ?? ProcessOptions.Default);
        return loop.StartChild(spec);
    }

    /// <summary>Waits until the child has exited; its result is the exit code (see
    /// <see cref="ExitCode"/>). Cancel-safe: a wait that is canceled leaves the child running, and
    /// several tasks may wait at once. The future cannot be canceled itself (<c>Cancel</c> returns
    /// false): cancel the waiting task instead.</summary>
    public Future<int> WaitAsync() => _exit;

    /// <summary>Sends SIGKILL: the child ends at once. Does nothing once it has exited.</summary>
    public void Kill() => SendSignal((PosixSignal)Posix.SigKill);

    /// <summary>Sends SIGTERM, asking the child to end. Does nothing once it has exited.</summary>
    public void Terminate() => SendSignal(PosixSignal.SIGTERM);

    /// <summary>Sends <paramref name="signal"/> to the child (a raw number cast to
    /// <see cref="PosixSignal"/> for signals without a member). Does nothing once the child has
    /// exited; with a pidfd it never reaches another process that reused the id.</summary>
    public void SendSignal(PosixSignal signal)
    {
        var number = SignalNumbers.ToNumber(signal);
        _loop.CheckThread(nameof(SendSignal));
        if (!HasExited)
        {
            _handle.Signal(number);
        }
    }

    /// <summary>Ends the child: SIGTERM, then SIGKILL if it has not exited after
    /// <see cref="TerminateGracePeriod"/>; returns the exit code once it is reaped.</summary>
    public Coroutine<int> TerminateAsync() => TerminateAsync(TerminateGracePeriod);

    /// <summary>Ends the child: SIGTERM, then SIGKILL if it has not exited after
    /// <paramref name="gracePeriod"/>; returns the exit code once it is reaped.</summary>
    /// <remarks>Canceled while it waits out the grace period, it sends SIGKILL at once and still waits
    /// for the child to be reaped before the cancellation is raised: the child never outlives the call.</remarks>
    public async Coroutine<int> TerminateAsync(TimeSpan gracePeriod)
    {
        if (gracePeriod < TimeSpan.Zero || gracePeriod == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), gracePeriod, "The grace period must be zero or more, and finite.");
        }

        if (!HasExited)
        {
            try
            {
                Terminate();
                if (gracePeriod > TimeSpan.Zero)
                {
                    await CancelScope.MoveOnAfter(gracePeriod, async _ => await _exit);
                }
            }
            finally
            {
                if (!HasExited)
                {
                    Kill();
                    await CancelScope.Shielded(async _ => await _exit);
                }
            }
        }

        return await _exit;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"ChildProcess {Id} '{Command}' {(HasExited ? (Signal is { } s ? $"ended by {SignalNumbers.Name(s)}" : $"exited {ExitCode}") : "running")}";

    /// <summary>Watches for the exit (after the loop has recorded the child).</summary>
    internal void Watch() => _handle.Watch(OnExited);

    /// <summary>The loop is closing: kills the child if it still runs (true then), and closes its pipes.</summary>
    internal bool EndForLoopClose()
    {
        var wasRunning = !HasExited && _handle.EndNow();
        ClosePipes();
        return wasRunning;
    }

    /// <summary>Closes every pipe still open (their unread output is discarded).</summary>
    internal void ClosePipes()
    {
        _stdin?.Close();
        _stdout?.Close();
        _stderr?.Close();
        ForgetIfDone();
    }

    private ProcessPipe? Pipe(EventLoop loop, int fd, string name, bool sends)
    {
        if (fd < 0)
        {
            return null;
        }

        var pipe = ProcessPipe.Open(loop, fd, name, sends);
        pipe.Closed = ForgetIfDone;
        return pipe;
    }

    /// <summary>Once the child has exited and its last pipe is closed, the loop has nothing left to end
    /// for it at its close.</summary>
    private void ForgetIfDone()
    {
        if (HasExited && _stdin is not { IsClosed: false } && _stdout is not { IsClosed: false } && _stderr is not { IsClosed: false })
        {
            _loop.ForgetChild(this);
        }
    }

    private void OnExited(int exitCode, PosixSignal? signal, Exception? error)
    {
        ExitCode = exitCode;
        Signal = signal;
        if (error != null)
        {
            _exit.Fail(error);
        }
        else
        {
            _exit.Complete(exitCode);
        }

        ForgetIfDone();
    }

    /// <summary>The exit: completed only by the loop, never canceled by a waiter or by user code.</summary>
    private sealed class ExitFuture(EventLoop loop, ChildProcess child) : Future<int>(loop)
    {
        public override bool Cancel(string? message = null) => false;

        internal void Complete(int exitCode) => TrySetResult(exitCode);

        internal void Fail(Exception error) => TrySetException(error);

        internal override string Describe() => $"Exit of {child}";
    }
}
