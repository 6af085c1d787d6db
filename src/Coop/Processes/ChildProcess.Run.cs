// The structured ways to run a child: it starts, runs to its end, and cannot outlive the call.
// - Run(program, arguments, input, capture...) is trio.run_process / Python's subprocess.run: feed
//   input, capture output, and fail with ProcessFailedException (exit code and captured stderr) on a
//   non-zero exit unless check is off. Input is fed and output read by tasks of one task group, all at
//   once, so a child that fills its output pipe while the parent still writes its input never
//   deadlocks them.
// - Run(program, arguments, body) is the block form, for talking to a child (streaming its output as
//   it comes): the body gets the child; when the body ends the child's pipes are closed (Trio's
//   Process.aclose: its input reads end of file, unread output is dropped) and the call waits for the
//   exit. A body that throws, or a cancellation anywhere, ends the child.
// Ending a child because its caller was canceled (or its body failed) is one escalation, in a shielded
// scope so that the cancellation does not cut it short: SIGTERM, up to TerminateGracePeriod for the
// child to exit, then SIGKILL, then the reap. Then the cancellation (or the body's error) goes on.
// A coroutine method and a lambda, not an `await using` block: DisposeAsync cannot see an exception
// thrown by the block, so it could not know to end the child (docs/design.md, the task group's reason).
namespace Coop;

public sealed partial class ChildProcess
{
    /// <summary>Runs <paramref name="program"/> to its end (Trio's <c>run_process</c>, Python's
    /// <c>subprocess.run</c>): feeds it <paramref name="input"/>, captures what it writes if asked,
    /// and returns how it ended.</summary>
    /// <param name="program">A program name searched in PATH, or a path.</param>
    /// <param name="arguments">The arguments, passed as they are (no shell).</param>
    /// <param name="input">Bytes for the child's standard input, which is then closed; null to use
    /// <see cref="ProcessOptions.Stdin"/>.</param>
    /// <param name="captureStdout">Capture standard output into <see cref="ProcessResult.Stdout"/>.</param>
    /// <param name="captureStderr">Capture standard error into <see cref="ProcessResult.Stderr"/> (and
    /// into the exception's message on failure).</param>
    /// <param name="check">Throw <see cref="ProcessFailedException"/> if the child exits with a
    /// non-zero code or is ended by a signal (the default); false to return the result anyway.</param>
    /// <param name="options">Working directory, environment, the streams not given above, and the
    /// grace period of the escalation.</param>
    /// <remarks>Canceled (a task group's cancellation, a cancel scope's deadline, <c>task.Cancel()</c>),
    /// it ends the child — SIGTERM, <see cref="ProcessOptions.TerminateGracePeriod"/>, SIGKILL — and waits
    /// until it is reaped before the cancellation goes on. Input, output and error are handled at once, so
    /// full pipes never deadlock the child and the parent.</remarks>
    /// <exception cref="ProcessFailedException">The child failed and <paramref name="check"/> is true.</exception>
    /// <exception cref="ArgumentException">A stream is both captured (or fed) and set in <paramref name="options"/>.</exception>
    public static async Coroutine<ProcessResult> Run(
        string program,
        IEnumerable<string>? arguments = null,
        ReadOnlyMemory<byte>? input = null,
        bool captureStdout = false,
        bool captureStderr = false,
        bool check = true,
        ProcessOptions? options = null)
    {
        options ??= ProcessOptions.Default;
        var child = Start(program, arguments, WithPipes(options, input != null, captureStdout, captureStderr));
        CoopTask<byte[]>? stdout = null;
        CoopTask<byte[]>? stderr = null;
        try
        {
            await TaskGroup.Run(async group =>
            {
                if (input is { } data)
                {
                    group.Start(Feed(child._stdin!, data));
                }

                stdout = captureStdout ? group.CreateTask(ReadToEnd(child._stdout!)) : null;
                stderr = captureStderr ? group.CreateTask(ReadToEnd(child._stderr!)) : null;
                await child._exit;
            });
        }
        finally
        {
            await child.EndAfterCancellationAsync();
        }

        var result = child.Result(stdout?.Result, stderr?.Result);
        return check ? result.EnsureSuccess() : result;
    }

    /// <summary>Starts <paramref name="program"/>, runs <paramref name="body"/> with it, and returns
    /// once it has exited: the block form, for talking to a child while it runs (streaming its
    /// output as it arrives). The child cannot outlive the call.</summary>
    /// <param name="program">A program name searched in PATH, or a path.</param>
    /// <param name="arguments">The arguments, passed as they are (no shell).</param>
    /// <param name="body">What to do with the running child (its pipes are those
    /// <paramref name="options"/> asks for).</param>
    /// <param name="options">Streams, working directory, environment, grace period.</param>
    /// <returns>How the child ended (its output was the body's to read: <see cref="ProcessResult.Stdout"/>
    /// is null). Not checked: call <see cref="ProcessResult.EnsureSuccess"/> to throw on failure.</returns>
    /// <remarks>When the body returns, the child's pipes are closed (Trio's <c>aclose</c>): its input
    /// reads end of file, and output the body left unread is discarded (a child still writing gets
    /// SIGPIPE); then the call waits for the exit. If the body throws, or the call is canceled, the
    /// child is ended — SIGTERM, the grace period, SIGKILL — and reaped before the exception goes on.</remarks>
    public static async Coroutine<ProcessResult> Run(string program, IEnumerable<string>? arguments, Func<ChildProcess, Coroutine> body, ProcessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var child = Start(program, arguments, options);
        try
        {
            await body(child);
            child.ClosePipes(); // the child reads end of file; output the body left unread is discarded
            await child._exit;
        }
        finally
        {
            await child.EndAfterCancellationAsync();
        }

        return child.Result(null, null);
    }

    private static ProcessOptions WithPipes(ProcessOptions options, bool feed, bool captureStdout, bool captureStderr)
    {
        Check(feed, options.Stdin, "input", nameof(ProcessOptions.Stdin));
        Check(captureStdout, options.Stdout, "captureStdout", nameof(ProcessOptions.Stdout));
        Check(captureStderr, options.Stderr, "captureStderr", nameof(ProcessOptions.Stderr));
        return new ProcessOptions
        {
            Stdin = feed ? ProcessStdio.Pipe : options.Stdin,
            Stdout = captureStdout ? ProcessStdio.Pipe : options.Stdout,
            Stderr = captureStderr ? ProcessStdio.Pipe : options.Stderr,
            WorkingDirectory = options.WorkingDirectory,
            Environment = options.Environment,
            InheritEnvironment = options.InheritEnvironment,
            TerminateGracePeriod = options.TerminateGracePeriod,
        };

        static void Check(bool taken, ProcessStdio given, string parameter, string option)
        {
            if (taken && given != ProcessStdio.Inherit)
            {
                throw new ArgumentException($"{parameter} and ProcessOptions.{option} ({given}) both say where that stream goes: give one.", parameter);
            }
        }
    }

    private static async Coroutine Feed(ByteStream stdin, ReadOnlyMemory<byte> data)
    {
        try
        {
            await stdin.SendAllAsync(data);
        }
        catch (IOException)
        {
            // The child exited, or closed its input, before reading it all (Python's communicate
            // ignores the broken pipe too): how it ended says what went wrong.
        }

        await stdin.CloseAsync();
    }

    private static async Coroutine<byte[]> ReadToEnd(ByteStream output)
    {
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var n = await output.ReceiveAsync(buffer);
            if (n == 0)
            {
                return all.ToArray();
            }

            all.Write(buffer, 0, n);
        }
    }

    /// <summary>The cleanup of both Run forms: a child still running (the caller was canceled, or the
    /// body failed) gets the escalation, shielded from the cancellation it answers; then the pipes close.</summary>
    private async Coroutine EndAfterCancellationAsync()
    {
        if (!HasExited)
        {
            await CancelScope.Shielded(async _ => await TerminateAsync(TerminateGracePeriod));
        }

        ClosePipes();
    }

    private ProcessResult Result(byte[]? stdout, byte[]? stderr) =>
        new(Command, ExitCode ?? -1, Signal, stdout, stderr);
}
