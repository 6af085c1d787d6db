// One socket as one loop knows it: the loop owns it from its registration to its close (it is closed
// exactly once, here), at most one task waits on it per direction, and with an edge-triggered poller
// it remembers what the last edges said (Readable/Writable) so that an operation skips the system
// call an edge has already answered.
// Invariants: Reader/Writer are pending futures of this socket's direction, or null; once IsClosed,
// both are null and the socket is disposed; only the loop thread touches any of it.
// Readiness (epoll, edge-triggered; docs/io.md): a flag set by an edge stays set until a system call
// says otherwise (EAGAIN, or a short read/write on a stream socket, after which the kernel sends a new
// edge when more data or room comes). A flag is only a hint to try the call: a wrong "set" costs one
// EAGAIN, a wrong "clear" would hang, so a peer that hung up or an error pins both flags set.
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Coop.Core;

namespace Coop.IO;

internal sealed class SocketRegistration
{
    private bool _hungUp; // the peer closed, reset or errored: every call answers at once from now on
    private SafeHandle? _directHandle; // the Socket's handle, read once, when Descriptor is used

    internal SocketRegistration(IoBackend backend, Socket socket, long id)
    {
        Backend = backend;
        Socket = socket;
        Id = id;
        IsStream = socket.SocketType == SocketType.Stream;
    }

    public IoBackend Backend { get; }

    public EventLoop Loop => Backend.Loop;

    public Socket Socket { get; }

    /// <summary>Registration order on the loop: the order in which readiness is handed to a seeded
    /// schedule, so a replay does not depend on the order the kernel listed the events in.</summary>
    public long Id { get; }

    public bool IsStream { get; }

    /// <summary>The socket's descriptor when the backend receives and sends on it directly
    /// (SocketCalls; stream sockets on epoll), else -1: the portable backend, and datagrams (whose
    /// truncation .NET reports as MessageSize), go through <see cref="Socket"/>'s calls.</summary>
    public int Descriptor { get; private set; } = -1;

    /// <summary>The poller's slot for this socket (epoll's event data), and the slot's generation
    /// when it was taken: an event for an older generation is stale and ignored.</summary>
    public int Slot { get; set; } = -1;

    public uint Generation { get; set; }

    public bool Readable { get; private set; } = true;

    public bool Writable { get; private set; } = true;

    public ReadinessFuture? Reader { get; private set; }

    public ReadinessFuture? Writer { get; private set; }

    public bool IsClosed { get; private set; }

    /// <summary>A send on a stream was cut short (canceled or failed part-way): the peer has an
    /// unknown prefix, so the stream refuses further sends.</summary>
    public bool SendBroken { get; set; }

    /// <summary>A stream's SendEofAsync half-closed it: sends are refused from now on.</summary>
    public bool EofSent { get; set; }

    /// <summary>A SendAll is in progress: a second one would interleave its bytes.</summary>
    public bool Sending { get; set; }

    /// <summary>What the backend keeps per socket (the portable backend's pending operations).</summary>
    public object? BackendState { get; set; }

    /// <summary>Throws unless the caller runs on this socket's loop, and the socket is open.</summary>
    public void CheckUsable(string operation)
    {
        if (!Loop.IsOnLoopThread) // the loop runs on this thread (one thread-id compare, not a thread-static read)
        {
            throw new InvalidOperationException(
                $"{operation}: {this} belongs to another event loop" +
                (EventLoop.CurrentOrNull == null ? " and no loop runs on this thread" : "") +
                ": a socket is used only from coroutines on the loop that registered it (from other threads, post with CallSoonThreadsafe).");
        }

        if (IsClosed)
        {
            throw new ObjectDisposedException(ToString(), $"{operation}: the socket is closed.");
        }
    }

    /// <summary>A future that completes when the socket may be ready in <paramref name="direction"/>
    /// (cancel it, or cancel its task, to stop waiting).</summary>
    public ReadinessFuture WaitAsync(IoDirection direction, string operation)
    {
        CheckUsable(operation);
        if ((direction == IoDirection.Read ? Reader : Writer) != null)
        {
            throw new InvalidOperationException(
                $"{operation}: another task is already waiting for {this} to be {(direction == IoDirection.Read ? "readable" : "writable")}; " +
                "one task at a time may receive (or send) on a socket.");
        }

        var wait = new ReadinessFuture(this, direction);
        if (direction == IoDirection.Read)
        {
            Reader = wait;
        }
        else
        {
            Writer = wait;
        }

        Backend.OnWaitStarted(this, direction);
        return wait;
    }

    /// <summary>Throws unless a send may start now: none is in progress and, on a stream
    /// (<paramref name="forStream"/>), this side is not half-closed and no earlier send was cut short.</summary>
    public void CheckCanSend(string operation, bool forStream)
    {
        if (Sending)
        {
            throw new InvalidOperationException($"{operation}: another task is sending on {this}; one task at a time may send.");
        }

        if (forStream && EofSent)
        {
            throw new InvalidOperationException($"{operation}: cannot send after SendEofAsync: this side of the stream is half-closed.");
        }

        if (forStream && SendBroken)
        {
            throw new InvalidOperationException($"{operation}: an earlier send was canceled or failed after part of its data was taken: what the peer received is unknown, " +
                "so the stream refuses further sends. Close or abort it.");
        }
    }

    /// <summary>Throws if another task is waiting in <paramref name="direction"/>: a call that does
    /// not wait must not take bytes (or room) from under it.</summary>
    public void CheckNoWaiter(IoDirection direction, string operation)
    {
        if ((direction == IoDirection.Read ? Reader : Writer) != null)
        {
            throw new InvalidOperationException(
                $"{operation}: another task is waiting to {(direction == IoDirection.Read ? "receive on" : "send on")} {this}; one task at a time may receive (or send).");
        }
    }

    /// <summary>Edge semantics, for callers that tried the call first (SocketStream.TryReceive, then
    /// WaitReadableAsync): done at once while the hint is set (the call the hint allows has not been
    /// tried since the last edge), else the next edge. No system call: a hint that is wrong costs the
    /// caller one failed try, and the try clears it. Once the peer hung up the hints stay set whatever
    /// the tries found, so they no longer say whether the caller's try failed: then the wait asks the
    /// kernel (<see cref="WaitUntilReadyAsync"/>), or a generator retrying a send into a full buffer
    /// would never suspend. Without edges (the portable backend, level-triggered epoll) every wait is
    /// a real one.</summary>
    public Future WaitForHintAsync(IoDirection direction, string operation)
    {
        if (_hungUp)
        {
            return WaitUntilReadyAsync(direction, operation);
        }

        CheckUsable(operation);
        if (Backend.TracksReadiness && (direction == IoDirection.Read ? Readable : Writable))
        {
            return DoneFuture.Of(Loop);
        }

        return WaitAsync(direction, operation);
    }

    /// <summary>Receives and sends go to <see cref="Socket"/>'s descriptor itself from now on.</summary>
    public void UseDescriptor()
    {
        _directHandle = Socket.SafeHandle;
        Descriptor = (int)_directHandle.DangerousGetHandle();
    }

    /// <summary>One non-blocking receive, as <see cref="Socket.Receive(Span{byte}, SocketFlags, out SocketError)"/>
    /// answers it: directly on the descriptor when the backend allows and there are no flags to
    /// translate, else through the Socket.</summary>
    public int Receive(Span<byte> buffer, SocketFlags flags, out SocketError error)
    {
        if (Descriptor >= 0 && flags == SocketFlags.None)
        {
            ThrowIfDisposedBehindUs();
            return SocketCalls.Receive(Descriptor, buffer, out error);
        }

        return Socket.Receive(buffer, flags, out error);
    }

    /// <summary>One non-blocking send (see <see cref="Receive"/>).</summary>
    public int Send(ReadOnlySpan<byte> data, SocketFlags flags, out SocketError error)
    {
        if (Descriptor >= 0 && flags == SocketFlags.None)
        {
            ThrowIfDisposedBehindUs();
            return SocketCalls.Send(Descriptor, data, out error);
        }

        return Socket.Send(data, flags, out error);
    }

    /// <summary>Level semantics for callers that do not try a call first (WaitReadableAsync,
    /// WaitWritableAsync): done at once if the socket is ready now, else the next edge. With edges,
    /// a set hint is checked with one poll(2); a clear one is exact, since only an edge sets it.</summary>
    public Future WaitUntilReadyAsync(IoDirection direction, string operation)
    {
        CheckUsable(operation);
        if (Backend.TracksReadiness && (direction == IoDirection.Read ? Readable : Writable))
        {
            bool ready;
            try
            {
                ready = Socket.Poll(0, direction == IoDirection.Read ? SelectMode.SelectRead : SelectMode.SelectWrite);
            }
            catch (SocketException)
            {
                ready = true; // an error to report: the caller's next call will
            }

            if (ready)
            {
                return DoneFuture.Of(Loop);
            }

            if (direction == IoDirection.Read)
            {
                ClearReadable();
            }
            else
            {
                ClearWritable();
            }
        }

        return WaitAsync(direction, operation);
    }

    /// <summary>The poller says the socket may be ready: remember it and wake the waiters.</summary>
    public void OnReady(bool readable, bool writable, bool hungUp)
    {
        _hungUp |= hungUp;
        if (readable || hungUp)
        {
            Readable = true;
            Wake(Reader);
        }

        if (writable || hungUp)
        {
            Writable = true;
            Wake(Writer);
        }
    }

    /// <summary>The call answered EAGAIN, or a short read or write left nothing (more) to do: only a
    /// new edge can change that.</summary>
    public void ClearReadable()
    {
        if (!_hungUp && Backend.TracksReadiness)
        {
            Readable = false;
        }
    }

    public void ClearWritable()
    {
        if (!_hungUp && Backend.TracksReadiness)
        {
            Writable = false;
        }
    }

    /// <summary>A wait ended (woken, canceled, or failed by a close): free its direction and tell
    /// the backend, which may stop what it started for the wait.</summary>
    public void OnWaitEnded(ReadinessFuture wait)
    {
        if (Reader == wait)
        {
            Reader = null;
            Backend.OnWaitEnded(this, IoDirection.Read);
        }
        else if (Writer == wait)
        {
            Writer = null;
            Backend.OnWaitEnded(this, IoDirection.Write);
        }
    }

    /// <summary>Closes the socket, once: waiters fail with <see cref="ObjectDisposedException"/>,
    /// the poller forgets it, and with <paramref name="abort"/> a TCP peer sees a reset.</summary>
    public void Close(bool abort)
    {
        if (IsClosed)
        {
            return;
        }

        IsClosed = true;
        var reader = Reader;
        var writer = Writer;
        Reader = Writer = null;
        reader?.TrySetException(new ObjectDisposedException(ToString(), "The socket was closed while a task waited for it."));
        writer?.TrySetException(new ObjectDisposedException(ToString(), "The socket was closed while a task waited for it."));
        Backend.Forget(this);
        EventLoop.Unregister(Socket);
        if (abort && IsStream && !Socket.SafeHandle.IsClosed)
        {
            try
            {
                Socket.LingerState = new LingerOption(true, 0); // close sends RST, drops unsent data
            }
            catch (SocketException)
            {
                // Not connected, or already reset: a plain close is all there is to do.
            }
        }

        Socket.Dispose();
    }

    public override string ToString() => $"socket {Id} ({Socket.ProtocolType})";

    /// <summary>User code disposed the Socket itself (SocketStream.Socket) instead of closing the
    /// stream: its descriptor is gone, and may already be another file's. Socket's own calls throw
    /// the same.</summary>
    private void ThrowIfDisposedBehindUs() => ObjectDisposedException.ThrowIf(_directHandle!.IsClosed, Socket);

    private static void Wake(ReadinessFuture? wait)
    {
        // The wait leaves its slot in OnWaitEnded, when it completes.
        wait?.TrySetResult();
    }
}
