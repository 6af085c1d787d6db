// A child started with posix_spawn and waited for through a pidfd on the loop's epoll set (Linux 5.4
// and later; docs/io.md, "Processes and signals", has the evidence for each choice):
// - posix_spawn (glibc's is vfork-like and reports a failed exec as an error code) rather than .NET's
//   Process: the child's standard streams can be any descriptor (a pipe, a file, /dev/null), the
//   child gets SIGPIPE's default action back (.NET ignores SIGPIPE, and exec keeps ignored signals, so
//   a child of Process.Start writing to a closed pipe prints "Broken pipe" instead of ending quietly),
//   and the exit status keeps the signal apart from the exit code.
// - .NET does not reap a child it did not start: its SIGCHLD handler reaps only the children of its
//   Process class, unless it runs as pid 1 or SIGCHLD was ignored (then it reaps every child, and this
//   path is not taken: EventLoop.Processes.cs). So the pidfd is ours to reap, with waitid(P_PIDFD).
// - The pidfd turns readable when the child exits, wakes exactly this child's watcher (never every
//   waiter, as a SIGCHLD handler would), and signals sent through it cannot reach a process that reused
//   the id. It is wrapped in a Socket and registered with the loop like a socket (ProcessPipe.cs says
//   why that works); the wait counts as an I/O wait, so a virtual clock does not call it a deadlock.
// Every descriptor made here is close-on-exec, so a child started by another thread meanwhile inherits
// none of them; the child's ends of the pipes are closed in the parent once the child has them.
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Coop.IO;
using Microsoft.Win32.SafeHandles;

namespace Coop.Processes;

internal sealed unsafe class PidfdChild : ChildHandle
{
    private static int s_supported; // 0: not probed yet, 1: yes, -1: no

    private readonly SocketRegistration _pidfd;
    private readonly int _pid;
    private bool _reaped;

    private PidfdChild(SocketRegistration pidfd, int pid)
    {
        _pidfd = pidfd;
        _pid = pid;
    }

    public override int Id => _pid;

    /// <summary>True if this kernel has pidfd_open and waitid(P_PIDFD) (Linux 5.4).</summary>
    public static bool IsSupported
    {
        get
        {
            if (s_supported == 0)
            {
                s_supported = Probe() ? 1 : -1;
            }

            return s_supported > 0;
        }
    }

    /// <summary>Starts the child described by <paramref name="spec"/>; returns it and the parent's
    /// ends of its pipes.</summary>
    public static (PidfdChild Child, ChildStdio Pipes) Launch(EventLoop loop, LaunchSpec spec)
    {
        var fileActions = NativeMemory.AllocZeroed(Posix.OpaqueSize);
        var attributes = NativeMemory.AllocZeroed(Posix.OpaqueSize);
        var signals = NativeMemory.AllocZeroed(Posix.OpaqueSize);
        var strings = new List<nint>();
        var files = new Dictionary<(string Path, bool Append), SafeFileHandle>();
        var childEnds = new List<int>();
        int[] parentEnds = [-1, -1, -1];
        var started = false;
        try
        {
            _ = Posix.FileActionsInit(fileActions);
            _ = Posix.AttributesInit(attributes);
            var streams = new[] { spec.Options.Stdin, spec.Options.Stdout, spec.Options.Stderr };
            for (var fd = 0; fd < 3; fd++)
            {
                var source = streams[fd].Kind switch
                {
                    ProcessStdioKind.Pipe => OpenPipe(fd, parentEnds, childEnds),
                    ProcessStdioKind.Null => OpenFile(fd, "/dev/null", append: false, files),
                    ProcessStdioKind.File => OpenFile(fd, streams[fd].Path!, streams[fd].Append, files),
                    _ => -1,
                };
                if (source >= 0)
                {
                    Check(Posix.FileActionsAddDup2(fileActions, source, fd), "posix_spawn_file_actions_adddup2");
                }
            }

            if (spec.WorkingDirectory is { } directory)
            {
                Check(Posix.FileActionsAddChdir(fileActions, Utf8(directory, strings)), "posix_spawn_file_actions_addchdir_np");
            }

            // Give back SIGPIPE's default action (the runtime ignores it), and an empty signal mask.
            _ = Posix.SigEmptySet(signals);
            _ = Posix.SigAddSet(signals, Posix.SigPipe);
            Check(Posix.AttributesSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            _ = Posix.SigEmptySet(signals);
            Check(Posix.AttributesSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
            Check(Posix.AttributesSetFlags(attributes, Posix.SpawnSetSigDefault | Posix.SpawnSetSigMask), "posix_spawnattr_setflags");

            var argv = Utf8Array([spec.Program, .. spec.Arguments], strings);
            var envp = Utf8Array(spec.Environment, strings);
            int pid;
            var error = Posix.Spawn(&pid, Utf8(spec.Path, strings), fileActions, attributes, argv, envp);
            if (error != 0)
            {
                throw SpawnError.For(error, spec);
            }

            var pidfd = Posix.PidFdOpen(pid);
            if (pidfd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                Posix.Kill(pid, Posix.SigKill);
                throw new IOException($"pidfd_open failed for child {pid} of '{spec.Command}' (errno {errno}); the child was killed.");
            }

            var socket = new Socket(new SafeSocketHandle(pidfd, ownsHandle: true));
            SocketRegistration registration;
            try
            {
                registration = loop.Register(socket, "ChildProcess.Start");
            }
            catch
            {
                Posix.PidFdSendSignal(pidfd, Posix.SigKill);
                socket.Dispose();
                throw;
            }

            started = true;
            return (new PidfdChild(registration, pid), new ChildStdio(parentEnds[0], parentEnds[1], parentEnds[2]));
        }
        finally
        {
            foreach (var fd in childEnds)
            {
                Posix.Close(fd);
            }

            if (!started)
            {
                foreach (var fd in parentEnds)
                {
                    if (fd >= 0)
                    {
                        Posix.Close(fd);
                    }
                }
            }

            foreach (var file in files.Values)
            {
                file.Dispose();
            }

            foreach (var s in strings)
            {
                Marshal.FreeCoTaskMem(s);
            }

            _ = Posix.FileActionsDestroy(fileActions);
            _ = Posix.AttributesDestroy(attributes);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
        }
    }

    public override void Signal(int number)
    {
        if (!_reaped && !_pidfd.IsClosed)
        {
            Posix.PidFdSendSignal((int)_pidfd.Socket.Handle, number); // ESRCH once it has exited: nothing to do
        }
    }

    public override bool EndNow()
    {
        if (_reaped || _pidfd.IsClosed)
        {
            return false;
        }

        TryReap();
        if (_reaped)
        {
            return false; // it had exited: the loop just had not looked yet
        }

        Signal(Posix.SigKill);
        try
        {
            _pidfd.Socket.Poll(5_000_000, SelectMode.SelectRead); // SIGKILL ends it promptly unless it is stuck in the kernel
        }
        catch (SocketException)
        {
        }

        TryReap();
        if (!_reaped)
        {
            _pidfd.Close(abort: false); // a child stuck in the kernel stays a zombie: the close cannot wait for it
        }

        return true;
    }

    protected override void StartWatching()
    {
        var wait = _pidfd.WaitUntilReadyAsync(IoDirection.Read, "ChildProcess");
        wait.AddDoneCallback(_ => OnReadable());
    }

    private void OnReadable()
    {
        if (_reaped || _pidfd.IsClosed)
        {
            return; // reaped meanwhile, or the loop closed the pidfd
        }

        TryReap();
        if (!_reaped && !_pidfd.IsClosed)
        {
            StartWatching(); // not exited after all (a stop or continue woke the pidfd): wait again
        }
    }

    private void TryReap()
    {
        var info = stackalloc byte[Posix.OpaqueSize];
        int result;
        do
        {
            new Span<byte>(info, Posix.OpaqueSize).Clear();
            result = Posix.WaitId(Posix.PPidFd, (int)_pidfd.Socket.Handle, info, Posix.WExited | Posix.WNoHang);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == Posix.EIntr);

        if (result < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _reaped = true;
            _pidfd.Close(abort: false);
            Exited(-1, null, new InvalidOperationException(errno == Posix.EChild
                ? $"Child process {_pid} was reaped by someone else, so its exit status is lost: something in this process waits for every child " +
                  "(waitpid(-1)), or SIGCHLD is ignored."
                : $"waitid failed for child process {_pid} (errno {errno})."));
            return;
        }

        var (code, pid, status) = Posix.ReadChildInfo(info);
        if (pid == 0)
        {
            return; // still running
        }

        _reaped = true;
        _pidfd.Close(abort: false);
        if (code == Posix.CldExited)
        {
            Exited(status, null);
        }
        else
        {
            Exited(128 + status, SignalNumbers.FromNumber(status));
        }
    }

    private static int OpenPipe(int fd, int[] parentEnds, List<int> childEnds)
    {
        var ends = stackalloc int[2];
        if (Posix.Pipe2(ends, Posix.OCloseOnExec) != 0)
        {
            throw new IOException($"pipe2 failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        // ends[0] reads, ends[1] writes: the child reads its input and writes its output.
        var (child, parent) = fd == 0 ? (ends[0], ends[1]) : (ends[1], ends[0]);
        childEnds.Add(child);
        parentEnds[fd] = parent;
        return child;
    }

    /// <summary>Opens a file for one of the child's streams; output and error sent to the same file
    /// share one open file (one offset, as a shell's <c>&gt;log 2&gt;&amp;1</c>), so they do not overwrite
    /// each other.</summary>
    private static int OpenFile(int fd, string path, bool append, Dictionary<(string Path, bool Append), SafeFileHandle> files)
    {
        if (fd > 0 && files.TryGetValue((path, append), out var shared))
        {
            return (int)shared.DangerousGetHandle();
        }

        var file = fd == 0
            ? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)
            : File.OpenHandle(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        files[fd == 0 ? ("<stdin>" + path, append) : (path, append)] = file;
        var handle = (int)file.DangerousGetHandle();

        // FileMode.Append only moves .NET's own offset (it writes with pwrite); the child writes with
        // write(2) at the descriptor's offset, which O_APPEND puts at the end for every write.
        if (append && Posix.SetAppend(handle) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            file.Dispose();
            throw new IOException($"Could not open '{path}' for appending: fcntl(F_SETFL, O_APPEND) failed (errno {errno}).");
        }

        return handle;
    }

    private static byte* Utf8(string value, List<nint> strings)
    {
        var p = Marshal.StringToCoTaskMemUTF8(value);
        strings.Add(p);
        return (byte*)p;
    }

    private static byte** Utf8Array(string[] values, List<nint> strings)
    {
        var array = (byte**)Marshal.AllocCoTaskMem((values.Length + 1) * sizeof(nint));
        strings.Add((nint)array);
        for (var i = 0; i < values.Length; i++)
        {
            array[i] = Utf8(values[i], strings);
        }

        array[values.Length] = null;
        return array;
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new IOException($"{call} failed (errno {error}).");
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessId == 1)
        {
            return false; // pid 1: .NET's SIGCHLD handler reaps every child, ours included
        }

        try
        {
            var self = Posix.PidFdOpen(Environment.ProcessId);
            if (self < 0)
            {
                return false;
            }

            // posix_spawn_file_actions_addchdir_np: glibc 2.29, musl 1.1.24.
            var actions = NativeMemory.AllocZeroed(Posix.OpaqueSize);
            try
            {
                _ = Posix.FileActionsInit(actions);
                var root = (byte*)Marshal.StringToCoTaskMemUTF8("/");
                _ = Posix.FileActionsAddChdir(actions, root);
                Marshal.FreeCoTaskMem((nint)root);
                _ = Posix.FileActionsDestroy(actions);
            }
            catch (EntryPointNotFoundException)
            {
                Posix.Close(self);
                return false;
            }
            finally
            {
                NativeMemory.Free(actions);
            }

            // Linux 5.3 has pidfd_open but not waitid(P_PIDFD): EINVAL there, ECHILD (we are not our
            // own child) from 5.4 on.
            var info = stackalloc byte[Posix.OpaqueSize];
            var result = Posix.WaitId(Posix.PPidFd, self, info, Posix.WExited | Posix.WNoHang);
            var errno = Marshal.GetLastPInvokeError();
            Posix.Close(self);
            return result < 0 && errno == Posix.EChild;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }
}
