// The I/O half of the poller seam (docs/io.md): how a loop's sockets are registered, waited on and
// operated. Two implementations: EpollBackend (Linux; the loop sleeps in epoll_wait) and
// PortableBackend (.NET's asynchronous socket calls, completions posted to the inbox).
// The operations (receive, send, accept, connect, ...) are virtual and implemented here once for
// readiness: try the non-blocking call, and on EAGAIN wait for the socket, then try again. Receive
// and send-all, the calls of every byte stream, are frames written by hand with the same loop
// (ReceiveOperation, SendAllOperation: SocketOperation.cs says why). A
// completion-based backend (io_uring) would override them to submit the operation itself, keeping the
// same promise to callers: an operation canceled while it waits has done nothing (cancel-safe), or,
// where the kernel cannot take an operation back, completes and leaves the cancellation pending.
// The backend also owns its loop's registrations, and on the loop's close closes and reports every
// socket still open.
// Every operation runs on the loop thread; the only waits are ReadinessFuture awaits, so the only
// place a cancellation can land is before the system call that does the work.
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Coop.Core;

namespace Coop.IO;

internal abstract class IoBackend : Poller
{
    // Sockets registered with the loop by slot (a free slot is null); a slot's generation changes
    // each time it is reused, so a late event for a socket closed since is recognised as stale.
    private SocketRegistration?[] _slots = new SocketRegistration?[16];
    private uint[] _generations = new uint[16];
    private readonly Stack<int> _freeSlots = new();
    private int _slotsUsed;
    private long _nextId;

    protected IoBackend(EventLoop loop)
    {
        Loop = loop;
    }

    public EventLoop Loop { get; }

    /// <summary>True if the backend learns readiness by edges and the registrations' Readable and
    /// Writable hints may be cleared (epoll); false if every operation tries its call first.</summary>
    public abstract bool TracksReadiness { get; }

    /// <summary>True if the kernel answers this backend's waits through the loop's own poller, with no
    /// other thread (epoll); false if answers come from other threads (the portable backend).</summary>
    public abstract bool AnswersWithoutThreads { get; }

    /// <summary>How many sockets the loop owns now (tests check that closing frees them).</summary>
    public int OpenSockets => _slotsUsed - _freeSlots.Count;

    /// <summary>Makes <paramref name="socket"/> non-blocking and registers it with the loop, which
    /// owns it from now on.</summary>
    public SocketRegistration Register(Socket socket)
    {
        socket.Blocking = false;
        var registration = new SocketRegistration(this, socket, _nextId++);
        var slot = TakeSlot();
        registration.Slot = slot;
        registration.Generation = _generations[slot];
        _slots[slot] = registration;
        try
        {
            OnRegistered(registration);
        }
        catch
        {
            ReleaseSlot(registration);
            throw;
        }

        return registration;
    }

    /// <summary>The registration in <paramref name="slot"/> if it is still the one of
    /// <paramref name="generation"/>, else null (a stale event).</summary>
    protected SocketRegistration? Find(int slot, uint generation)
    {
        var registration = (uint)slot < (uint)_slotsUsed ? _slots[slot] : null;
        return registration != null && registration.Generation == generation ? registration : null;
    }

    /// <summary>The socket is closing: stop watching it and free its slot.</summary>
    public void Forget(SocketRegistration registration)
    {
        OnForgetting(registration);
        ReleaseSlot(registration);
    }

    /// <summary>Closes every socket the loop still owns, reporting each, then the backend itself.</summary>
    public override void Close()
    {
        for (var slot = 0; slot < _slotsUsed; slot++)
        {
            if (_slots[slot] is { } registration)
            {
                var open = !registration.Socket.SafeHandle.IsClosed;
                registration.Close(abort: false);
                if (open)
                {
                    Loop.ReportError(new LoopError(
                        $"{registration} was still open when its event loop closed: the loop closed it. Close sockets (or their streams) before the loop ends.",
                        null, null, null));
                }
            }
        }

        CloseBackend();
    }

    protected abstract void OnRegistered(SocketRegistration registration);

    protected virtual void OnForgetting(SocketRegistration registration)
    {
    }

    protected abstract void CloseBackend();

    /// <summary>A task began to wait on <paramref name="registration"/> in <paramref name="direction"/>.</summary>
    public abstract void OnWaitStarted(SocketRegistration registration, IoDirection direction);

    /// <summary>A wait ended: woken, canceled, or failed because the socket closed.</summary>
    public abstract void OnWaitEnded(SocketRegistration registration, IoDirection direction);

    // ----- operations: readiness implementations (try, else wait and try again) -----

    /// <summary>Receives; a stream's (<paramref name="forStream"/>) broken connection is an
    /// <see cref="IOException"/> around the <see cref="SocketException"/>, as .NET's NetworkStream
    /// reports it, a raw socket's the <see cref="SocketException"/> itself. Checks and tries when
    /// awaited (ReceiveOperation).</summary>
    public virtual Coroutine<int> ReceiveAsync(SocketRegistration registration, Memory<byte> buffer, SocketFlags flags, bool forStream = false) =>
        buffer.IsEmpty ? WaitUntilReceivableAsync(registration) : new ReceiveOperation(registration, buffer, flags, forStream);

    /// <summary>.NET's zero-byte read: waits until bytes (or the end) can be received, and takes none.</summary>
    private static async Coroutine<int> WaitUntilReceivableAsync(SocketRegistration registration)
    {
        StartOperation(registration);
        await registration.WaitUntilReadyAsync(IoDirection.Read, "ReceiveAsync");
        return 0;
    }

    /// <summary>One non-blocking receive, made only if the readiness hint allows it: true with the
    /// count received (0 at end of stream), false if nothing can be received now (the hint is cleared,
    /// so a wait lasts until the next edge). Errors as <see cref="ReceiveAsync"/> raises them.</summary>
    public static bool TryReceive(SocketRegistration registration, Span<byte> buffer, SocketFlags flags, bool forStream, out int received)
    {
        if (registration.Readable)
        {
            received = registration.Receive(buffer, flags, out var error);
            if (error == SocketError.Success)
            {
                // A stream read that left room found the kernel's buffer empty: a new edge will say
                // when more comes (not for datagrams: one call takes one datagram). End of stream (0)
                // stays readable.
                if (received > 0 && received < buffer.Length && registration.IsStream)
                {
                    registration.ClearReadable();
                }

                return true;
            }

            ThrowUnlessWouldBlock(error, forStream);
            registration.ClearReadable();
        }

        received = 0;
        return false;
    }

    public virtual async Coroutine<int> SendAsync(SocketRegistration registration, ReadOnlyMemory<byte> data, SocketFlags flags)
    {
        StartOperation(registration);
        while (true)
        {
            var sent = TrySend(registration, data.Span, flags, forStream: false);
            if (sent >= 0)
            {
                return sent;
            }

            await registration.WaitAsync(IoDirection.Write, "SendAsync");
        }
    }

    /// <summary>Sends every byte. On a stream (<paramref name="forStream"/>) a send canceled or
    /// failed after the kernel took part of the data refuses further sends, and a broken connection
    /// is an <see cref="IOException"/> (see <see cref="ReceiveAsync"/>). Checks and tries when
    /// awaited (SendAllOperation).</summary>
    public virtual Coroutine SendAllAsync(SocketRegistration registration, ReadOnlyMemory<byte> data, bool forStream) =>
        new SendAllOperation(registration, data, forStream);

    public virtual async Coroutine<Socket> AcceptAsync(SocketRegistration registration)
    {
        StartOperation(registration);
        while (true)
        {
            if (registration.Readable)
            {
                try
                {
                    return registration.Socket.Accept();
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                {
                    registration.ClearReadable();
                }
            }

            await registration.WaitAsync(IoDirection.Read, "AcceptAsync");
        }
    }

    public virtual async Coroutine ConnectAsync(SocketRegistration registration, EndPoint remote)
    {
        StartOperation(registration);
        var socket = registration.Socket;
        try
        {
            socket.Connect(remote);
            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            registration.ClearWritable();
        }

        // The connection is made (or refused) when the socket turns writable; SO_ERROR says which.
        while (true)
        {
            await registration.WaitAsync(IoDirection.Write, "ConnectAsync");
            var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (error == SocketError.Success && socket.Poll(0, SelectMode.SelectWrite))
            {
                return; // Poll also tells .NET the connect it began is done (Connected, RemoteEndPoint)
            }

            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
        }
    }

    public virtual async Coroutine<SocketReceiveFromResult> ReceiveFromAsync(SocketRegistration registration, Memory<byte> buffer, SocketFlags flags)
    {
        StartOperation(registration);
        var socket = registration.Socket;
        while (true)
        {
            if (registration.Readable)
            {
                EndPoint remote = AnyEndPoint(socket);
                try
                {
                    var received = socket.ReceiveFrom(buffer.Span, flags, ref remote);
                    return new SocketReceiveFromResult { ReceivedBytes = received, RemoteEndPoint = remote };
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                {
                    registration.ClearReadable();
                }
            }

            await registration.WaitAsync(IoDirection.Read, "ReceiveFromAsync");
        }
    }

    public virtual async Coroutine<int> SendToAsync(SocketRegistration registration, ReadOnlyMemory<byte> data, EndPoint remote, SocketFlags flags)
    {
        StartOperation(registration);
        while (true)
        {
            if (registration.Writable)
            {
                try
                {
                    return registration.Socket.SendTo(data.Span, flags, remote);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                {
                    registration.ClearWritable();
                }
            }

            await registration.WaitAsync(IoDirection.Write, "SendToAsync");
        }
    }

    /// <summary>One non-blocking send, made only if the readiness hint allows it: the count sent, or
    /// -1 if the socket had no room (the hint is cleared). Errors as <see cref="SendAllAsync"/>
    /// raises them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TrySend(SocketRegistration registration, ReadOnlySpan<byte> data, SocketFlags flags, bool forStream)
    {
        if (!registration.Writable)
        {
            return -1;
        }

        var sent = registration.Send(data, flags, out var error);
        if (error == SocketError.Success)
        {
            if (sent < data.Length && registration.IsStream)
            {
                registration.ClearWritable(); // the kernel's buffer is full: an edge says when it drains
            }

            return sent;
        }

        ThrowUnlessWouldBlock(error, forStream);
        registration.ClearWritable();
        return -1;
    }

    /// <summary>The first step of every operation, in the task that awaits it: the socket must be
    /// usable from here, and a task already canceled raises at once and does nothing (as at any
    /// Coop await).</summary>
    internal static void StartOperation(SocketRegistration registration)
    {
        registration.CheckUsable("a socket operation");
        registration.Loop.SteppingTask?.ThrowIfCancelRequested();
    }

    private static void ThrowUnlessWouldBlock(SocketError error, bool forStream)
    {
        if (error != SocketError.WouldBlock)
        {
            var socketError = new SocketException((int)error);
            throw forStream ? new IOException($"The connection is broken: {socketError.Message} ({error}).", socketError) : socketError;
        }
    }

    private static IPEndPoint AnyEndPoint(Socket socket) => socket.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
        AddressFamily.InterNetwork => new IPEndPoint(IPAddress.Any, 0),
        _ => throw new NotSupportedException($"ReceiveFromAsync supports IP sockets; this one is {socket.AddressFamily}."),
    };

    private int TakeSlot()
    {
        if (_freeSlots.TryPop(out var slot))
        {
            return slot;
        }

        if (_slotsUsed == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
            Array.Resize(ref _generations, _generations.Length * 2);
        }

        return _slotsUsed++;
    }

    private void ReleaseSlot(SocketRegistration registration)
    {
        var slot = registration.Slot;
        if (slot >= 0 && _slots[slot] == registration)
        {
            _slots[slot] = null;
            _generations[slot]++;
            _freeSlots.Push(slot);
        }
    }
}
