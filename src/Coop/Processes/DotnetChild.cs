// A child started and reaped by .NET's Process, for where the pidfd path is not taken: the portable
// poller, a kernel without pidfds, or this process running as pid 1 (.NET then reaps every child, so
// only children of its Process class keep their exit status). Its Exited event, raised on a pool
// thread, is posted to the loop's inbox; while the child runs it counts as a foreign wait, so a
// virtual clock lets time run at wall speed rather than calling the wait a deadlock.
// What .NET's Process cannot do is made up for here, at a cost the pidfd path does not pay:
// - its pipes are the only redirection it has: a pipe the caller asked for is taken over (its
//   descriptor leaves .NET's stream and is registered with the loop, as PidfdChild's are); output sent
//   to a file or to /dev/null is copied there by a pool thread, and input from a file is copied in;
// - its exit code for a child ended by signal n is 128 + n, so the signal is not known (null);
// - SIGTERM goes through kill(2) after a check that .NET has not reaped the child (the same check
//   Process.Kill makes), not through a pidfd.
using System.Diagnostics;
using System.IO.Pipes;

namespace Coop.Processes;

internal sealed class DotnetChild : ChildHandle
{
    private readonly EventLoop _loop;
    private readonly Process _process;
    private readonly Task _copies; // what pool threads still copy to or from files
    private bool _exited;

    private DotnetChild(EventLoop loop, Process process, Task copies)
    {
        _loop = loop;
        _process = process;
        _copies = copies;
        Id = process.Id;
    }

    public override int Id { get; }

    public static (DotnetChild Child, ChildStdio Pipes) Launch(EventLoop loop, LaunchSpec spec)
    {
        var options = spec.Options;
        var start = new ProcessStartInfo(spec.Path)
        {
            UseShellExecute = false,
            RedirectStandardInput = options.Stdin.Kind != ProcessStdioKind.Inherit,
            RedirectStandardOutput = options.Stdout.Kind != ProcessStdioKind.Inherit,
            RedirectStandardError = options.Stderr.Kind != ProcessStdioKind.Inherit,
            WorkingDirectory = spec.WorkingDirectory ?? "",
        };
        foreach (var argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var variable in spec.Environment)
        {
            var split = variable.IndexOf('=', StringComparison.Ordinal);
            start.Environment[variable[..split]] = variable[(split + 1)..];
        }

        // Files first, so that one that cannot be opened fails before the child starts.
        var files = new List<Stream>();
        try
        {
            var input = options.Stdin.Kind == ProcessStdioKind.File ? Keep(File.OpenRead(options.Stdin.Path!), files) : null;
            var output = OpenOutput(options.Stdout, null, files);
            var error = OpenOutput(options.Stderr, SameFile(options.Stdout, options.Stderr) ? output : null, files);
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw SpawnError.For(e.NativeErrorCode, spec);
            }

            var copies = new List<Task>();
            var stdin = options.Stdin.Kind switch
            {
                ProcessStdioKind.Pipe => TakeOver(process.StandardInput.BaseStream, process.StandardInput),
                ProcessStdioKind.File => Copy(input!, process.StandardInput.BaseStream, copies),
                ProcessStdioKind.Null => Close(process.StandardInput),
                _ => -1,
            };
            var stdout = options.Stdout.Kind == ProcessStdioKind.Inherit ? -1 : Redirected(options.Stdout, process.StandardOutput, output, copies);
            var stderr = options.Stderr.Kind == ProcessStdioKind.Inherit ? -1 : Redirected(options.Stderr, process.StandardError, error, copies);
            var targets = files.ToArray();
            files.Clear(); // closed once every copy is done
            var done = Task.WhenAll(copies).ContinueWith(
                _ =>
                {
                    foreach (var file in targets)
                    {
                        file.Dispose();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return (new DotnetChild(loop, process, done), new ChildStdio(stdin, stdout, stderr));
        }
        finally
        {
            foreach (var file in files)
            {
                file.Dispose();
            }
        }
    }

    public override void Signal(int number)
    {
        if (_exited || _process.HasExited)
        {
            return;
        }

        if (number == Posix.SigKill)
        {
            _process.Kill();
        }
        else
        {
            Posix.Kill(_process.Id, number); // ESRCH if it exited since the check: nothing to do
        }
    }

    public override bool EndNow()
    {
        if (_exited)
        {
            return false;
        }

        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // it exited and .NET reaped it meanwhile
        }

        _process.WaitForExit(5_000);
        Release();
        return true;
    }

    protected override void StartWatching()
    {
        _loop.ForeignWaits++;
        _process.EnableRaisingEvents = true; // raises Exited at once if the child has exited already
        _process.Exited += (_, _) => _copies.ContinueWith(
            static (_, s) =>
            {
                var child = (DotnetChild)s!;
                child._loop.TryPostOutcome(static c => ((DotnetChild)c!).OnExited(), child, static c => ((DotnetChild)c!).Release());
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnExited()
    {
        if (_exited)
        {
            return;
        }

        var code = _process.ExitCode;
        Release();
        Exited(code, null);
    }

    /// <summary>Forgets the child: it no longer counts as a foreign wait, and .NET's Process is disposed.</summary>
    private void Release()
    {
        if (_exited)
        {
            return;
        }

        _exited = true;
        if (!_loop.IsClosed)
        {
            _loop.ForeignWaits--;
        }

        _process.Dispose();
    }

    private static Stream Keep(Stream file, List<Stream> files)
    {
        files.Add(file);
        return file;
    }

    private static Stream? OpenOutput(ProcessStdio stdio, Stream? shared, List<Stream> files) => stdio.Kind switch
    {
        ProcessStdioKind.File => shared ?? Keep(new FileStream(stdio.Path!, stdio.Append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite), files),
        ProcessStdioKind.Null => Stream.Null,
        _ => null,
    };

    private static bool SameFile(ProcessStdio a, ProcessStdio b) =>
        a.Kind == ProcessStdioKind.File && b.Kind == ProcessStdioKind.File && a.Path == b.Path && a.Append == b.Append;

    private static int Redirected(ProcessStdio stdio, StreamReader reader, Stream? target, List<Task> copies) => stdio.Kind switch
    {
        ProcessStdioKind.Pipe => TakeOver(reader.BaseStream, reader),
        _ => Copy(reader.BaseStream, target!, copies),
    };

    /// <summary>A descriptor of the caller's own for .NET's pipe: a close-on-exec duplicate, after
    /// which .NET's stream is closed, so the duplicate is the parent's only end.</summary>
    private static int TakeOver(Stream pipe, IDisposable owner)
    {
        var fd = Posix.DuplicateCloseOnExec((int)((PipeStream)pipe).SafePipeHandle.DangerousGetHandle());
        var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        owner.Dispose();
        return fd >= 0 ? fd : throw new IOException($"Could not take over the child's pipe: fcntl(F_DUPFD_CLOEXEC) failed (errno {errno}).");
    }

    private static int Close(StreamWriter stream)
    {
        stream.Dispose(); // the child reads end of file
        return -1;
    }

    /// <summary>Copies on a pool thread until end of file (when the child, and any process it left
    /// holding the pipe, has closed its end), then closes the pipe; an input copy also closes the
    /// child's input, so that it reads end of file.</summary>
    private static int Copy(Stream from, Stream to, List<Task> copies)
    {
        var pipeIsTarget = to is PipeStream;
        copies.Add(Task.Run(async () =>
        {
            try
            {
                await from.CopyToAsync(to).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // the other end went away (a child that exits without reading all its input)
            }
            finally
            {
                await (pipeIsTarget ? to : from).DisposeAsync().ConfigureAwait(false);
            }
        }));
        return -1;
    }
}
