// One end of a pipe to a child process, as a ByteStream: the child's standard input (this end sends)
// or its output or error (this end receives). A pipe goes one way, so the other direction's calls
// throw NotSupportedException, and half-closing the input is closing it: the child reads end of file.
// The descriptor is wrapped in a System.Net.Sockets.Socket and registered with the loop like any
// socket. .NET's Socket takes a descriptor that is not a socket (SafeSocketHandle.IsSocket is false
// then) and reads and writes it with read(2) and write(2), so the loop's poller, its readiness hints,
// its cancel-safe receive and its send-all work on a pipe unchanged, under either poller (docs/io.md,
// "Processes and signals"). A broken pipe is what a broken connection is on a socket: an IOException
// around a SocketException (Shutdown), as the ByteStream contract says.
// An output pipe closes itself once it has returned end of file (a child's output that ended has
// nothing more to give, and its descriptor should not wait for the loop's close); later receives return 0.
using System.Net.Sockets;
using Coop.IO;

namespace Coop.Processes;

internal sealed class ProcessPipe : ByteStream
{
    private readonly SocketRegistration _registration;
    private readonly string _name;
    private readonly bool _sends;
    private bool _ended; // an output pipe returned end of file and closed itself
    private bool _eofSent; // the input pipe was closed by SendEofAsync
    private bool _receiving; // a receive is in flight

    private ProcessPipe(SocketRegistration registration, string name, bool sends)
    {
        _registration = registration;
        _name = name;
        _sends = sends;
    }

    internal bool IsClosed => _registration.IsClosed;

    /// <summary>Takes ownership of pipe descriptor <paramref name="fd"/> and registers it with
    /// <paramref name="loop"/> (which makes it non-blocking).</summary>
    public static ProcessPipe Open(EventLoop loop, int fd, string name, bool sends)
    {
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        try
        {
            return new ProcessPipe(loop.Register(socket, "ChildProcess.Start"), name, sends);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override async Coroutine<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (_sends)
        {
            throw new NotSupportedException($"{_name} is the child's input: the parent can only send on it.");
        }

        if (_ended)
        {
            CheckLoop(nameof(ReceiveAsync));
            _registration.Loop.SteppingTask?.ThrowIfCancelRequested();
            return 0;
        }

        if (_receiving)
        {
            // Refused before the descriptor is touched: a read attempt of this call's own would race
            // the waiting receive (under the portable poller, .NET queues it behind that one).
            CheckLoop(nameof(ReceiveAsync));
            throw new InvalidOperationException($"ReceiveAsync: another task is already receiving on {_name}; one task at a time may receive.");
        }

        int n;
        _receiving = true;
        try
        {
            n = await _registration.Backend.ReceiveAsync(_registration, buffer, SocketFlags.None, forStream: true);
        }
        finally
        {
            _receiving = false;
        }

        if (n == 0 && !buffer.IsEmpty && !_registration.IsClosed)
        {
            _ended = true;
            CloseRegistration(abort: false);
        }

        return n;
    }

    public override async Coroutine SendAllAsync(ReadOnlyMemory<byte> data)
    {
        if (!_sends)
        {
            throw new NotSupportedException($"{_name} is the child's output: the parent can only receive on it.");
        }

        if (_eofSent)
        {
            CheckLoop(nameof(SendAllAsync));
            throw SendAfterEofError();
        }

        await _registration.Backend.SendAllAsync(_registration, data, forStream: true);
    }

#pragma warning disable CS1998 // closing a descriptor does not block
    /// <summary>Closes the child's input, so that it reads end of file; for an output pipe there is
    /// nothing to half-close and it does nothing. A second call does nothing.</summary>
    public override async Coroutine SendEofAsync()
    {
        CheckLoop(nameof(SendEofAsync));
        if (!_sends || _registration.IsClosed)
        {
            return;
        }

        if (_registration.Sending)
        {
            throw new InvalidOperationException($"SendEofAsync: a SendAllAsync is in progress on {_name}; wait for it first.");
        }

        _eofSent = true;
        CloseRegistration(abort: false);
    }

    public override async Coroutine CloseAsync()
    {
        CheckLoop(nameof(CloseAsync));
        CloseRegistration(abort: false);
    }
#pragma warning restore CS1998

    public override void Abort()
    {
        CheckLoop(nameof(Abort));
        CloseRegistration(abort: true);
    }

    /// <summary>Closes the descriptor from the loop's own code (a child's cleanup, the loop's close).</summary>
    internal void Close() => CloseRegistration(abort: false);

    /// <summary>Run once when the descriptor closes, whichever way (the child lets the loop forget it
    /// once it has exited and its last pipe is closed).</summary>
    internal Action? Closed { get; set; }

    public override string ToString() => $"{_name} ({(_sends ? "sends" : "receives")}{(_registration.IsClosed ? ", closed" : "")})";

    private void CloseRegistration(bool abort)
    {
        if (_registration.IsClosed)
        {
            return;
        }

        _registration.Close(abort);
        var closed = Closed;
        Closed = null;
        closed?.Invoke();
    }

    private void CheckLoop(string operation)
    {
        if (!_registration.Loop.IsOnLoopThread)
        {
            _registration.CheckUsable(operation); // throws the other-loop error
        }
    }
}
