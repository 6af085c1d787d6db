// A TCP or Unix stream socket as a Coop ByteStream (Trio's SocketStream): receives return 0 at end of
// stream, SendAllAsync returns when the kernel has taken every byte (no hidden buffer: a peer that
// stops reading makes the sender wait, and memory stays bounded), SendEofAsync half-closes, CloseAsync
// (or await using) closes once, Abort resets. It is a thin face over its loop registration; the
// operations are the loop's (IoBackend), so the stream adds no buffer and no system call.
// TCP_NODELAY is on for the streams Coop opens: a stream is for request/response traffic, where
// Nagle's algorithm meeting the peer's delayed ACK stalls the second small write of a message by
// up to 40 ms (docs/io.md has the measurement).
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop;

/// <summary>A connected TCP or Unix domain stream socket on one event loop, as a
/// <see cref="ByteStream"/>.</summary>
/// <remarks>Open one with <see cref="ConnectAsync(EndPoint)"/>, <see cref="SocketListener.AcceptAsync"/>,
/// or <see cref="FromSocket"/> for a connected socket you made. The stream owns its socket: closing
/// the stream closes it, and a stream left open when its loop closes is closed and reported.</remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A byte stream in Trio's and Tokio's sense, like ByteStream (docs/design.md).")]
public sealed class SocketStream : ByteStream
{
    private readonly SocketRegistration _registration;

    private SocketStream(SocketRegistration registration)
    {
        _registration = registration;
    }

    /// <summary>The socket, for its options and endpoints. Use it only through this stream or the
    /// loop's Sock calls: .NET's own asynchronous calls would hand it to .NET's poller thread.</summary>
    public Socket Socket => _registration.Socket;

    /// <summary>The local endpoint.</summary>
    public EndPoint? LocalEndPoint => Socket.LocalEndPoint;

    /// <summary>The peer's endpoint.</summary>
    public EndPoint? RemoteEndPoint => Socket.RemoteEndPoint;

    /// <summary>True once the stream is closed (by <see cref="CloseAsync"/>, <see cref="Abort"/>,
    /// or its loop closing).</summary>
    public bool IsClosed => _registration.IsClosed;

    /// <summary>Wraps a connected stream socket; the stream (and the running loop) owns it from now
    /// on. TCP sockets get TCP_NODELAY.</summary>
    public static SocketStream FromSocket(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.SocketType != SocketType.Stream)
        {
            throw new ArgumentException($"A SocketStream needs a stream socket; this one is {socket.SocketType} (use the loop's SockSendTo/SockReceiveFrom for datagrams).", nameof(socket));
        }

        var registration = EventLoop.Current.Registration(socket);
        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            socket.NoDelay = true;
        }

        return new SocketStream(registration);
    }

    /// <summary>Connects to <paramref name="remote"/> (an <see cref="IPEndPoint"/> or a
    /// <see cref="UnixDomainSocketEndPoint"/>; resolve host names first). A refused connection throws
    /// <see cref="SocketException"/> (ConnectionRefused); a timeout is a cancel scope's job
    /// (<c>CancelScope.FailAfter</c>). Canceled, it closes the half-made socket.</summary>
    public static async Coroutine<SocketStream> ConnectAsync(EndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var loop = EventLoop.Current;
        var socket = remote is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var done = false;
        try
        {
            var registration = loop.Registration(socket);
            await loop.SockConnectAsync(socket, remote);
            done = true;
            return FromSocket(registration.Socket);
        }
        finally
        {
            if (!done)
            {
                loop.SockClose(socket);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Cancel-safe: a receive canceled before it returns has taken no byte. A peer that reset
    /// the connection makes it throw <see cref="IOException"/> around a <see cref="SocketException"/>
    /// (ConnectionReset).</remarks>
    public override Coroutine<int> ReceiveAsync(Memory<byte> buffer) =>
        _registration.Backend.ReceiveAsync(_registration, buffer, SocketFlags.None, forStream: true); // checks when awaited

    /// <inheritdoc />
    /// <remarks>A peer that reset the connection, or closed it, makes it throw
    /// <see cref="IOException"/> around a <see cref="SocketException"/> (ConnectionReset, Shutdown),
    /// never hang.</remarks>
    public override Coroutine SendAllAsync(ReadOnlyMemory<byte> data) =>
        _registration.Backend.SendAllAsync(_registration, data, forStream: true); // checks when awaited

    /// <inheritdoc />
#pragma warning disable CS1998 // a coroutine without await: the half-close is one non-blocking call
    public override async Coroutine SendEofAsync()
#pragma warning restore CS1998
    {
        _registration.CheckUsable(nameof(SendEofAsync));
        if (_registration.EofSent)
        {
            return;
        }

        if (_registration.Sending)
        {
            throw new InvalidOperationException("SendEofAsync: a SendAllAsync is in progress on this stream; wait for it first.");
        }

        _registration.EofSent = true;
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException e)
        {
            throw new IOException($"The connection is broken: {e.Message} ({e.SocketErrorCode}).", e);
        }
    }

    /// <inheritdoc />
    /// <remarks>Closing is one non-blocking call (the kernel goes on sending what it holds), made
    /// before anything else: a canceled close still closes.</remarks>
#pragma warning disable CS1998 // closing a socket does not block
    public override async Coroutine CloseAsync()
#pragma warning restore CS1998
    {
        CheckLoop(nameof(CloseAsync));
        _registration.Close(abort: false);
    }

    /// <inheritdoc />
    public override void Abort()
    {
        CheckLoop(nameof(Abort));
        _registration.Close(abort: true);
    }

    /// <inheritdoc />
    public override string ToString() => $"SocketStream({_registration})";

    /// <summary>Every call, even on a closed stream, is made on the stream's loop thread.</summary>
    private void CheckLoop(string operation)
    {
        if (!_registration.Loop.IsOnLoopThread)
        {
            _registration.CheckUsable(operation); // throws the other-loop error
        }
    }
}
