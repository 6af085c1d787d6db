// A SocketStream over an operating-system socket registered with the loop's poller. A thin face over
// its registration: the operations are the loop's (IoBackend), so the stream adds no buffer and no
// system call to them.
using System.Net;
using System.Net.Sockets;

namespace Coop.IO;

internal sealed class SystemSocketStream : SocketStream
{
    private readonly SocketRegistration _registration;

    private SystemSocketStream(SocketRegistration registration)
    {
        _registration = registration;
    }

    public override Socket Socket => _registration.Socket;

    public override EndPoint? LocalEndPoint => Socket.LocalEndPoint;

    public override EndPoint? RemoteEndPoint => Socket.RemoteEndPoint;

    public override bool IsClosed => _registration.IsClosed;

    /// <summary>Wraps a connected stream socket on the running loop, which owns it from now on, and
    /// applies <paramref name="options"/>.</summary>
    public static SystemSocketStream Wrap(Socket socket, SocketOptions options)
    {
        if (socket.SocketType != SocketType.Stream)
        {
            throw new ArgumentException($"A SocketStream needs a stream socket; this one is {socket.SocketType} (use UdpSocket, or the loop's SockSendTo/SockReceiveFrom, for datagrams).", nameof(socket));
        }

        var registration = EventLoop.Current.Registration(socket, "SocketStream");
        SystemNetworkStack.ApplyToConnection(socket, options);
        return new SystemSocketStream(registration);
    }

    /// <summary>Connects a new socket to <paramref name="remote"/>; canceled or refused, it closes it.</summary>
    public static async Coroutine<SocketStream> ConnectNewAsync(EndPoint remote, SocketOptions options)
    {
        var loop = EventLoop.Current;
        var socket = remote is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var done = false;
        try
        {
            SystemNetworkStack.ApplyBuffers(socket, options); // before the handshake: the window scale is agreed then
            loop.Registration(socket, nameof(SocketStream.ConnectAsync));
            await loop.SockConnectAsync(socket, remote);
            var stream = Wrap(socket, options);
            done = true;
            return stream;
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
    public override Coroutine SendAllAsync(ReadOnlyMemory<byte> data) =>
        _registration.Backend.SendAllAsync(_registration, data, forStream: true); // checks when awaited

    /// <inheritdoc />
    public override bool TryReceive(Span<byte> buffer, out int received)
    {
        CheckTryReceiveBuffer(buffer);
        _registration.CheckUsable(nameof(TryReceive));
        _registration.CheckNoWaiter(IoDirection.Read, nameof(TryReceive));
        return IoBackend.TryReceive(_registration, buffer, SocketFlags.None, forStream: true, out received);
    }

    /// <inheritdoc />
    public override bool TrySend(ReadOnlySpan<byte> data, out int sent)
    {
        _registration.CheckUsable(nameof(TrySend));
        _registration.CheckCanSend(nameof(TrySend), forStream: true);
        _registration.CheckNoWaiter(IoDirection.Write, nameof(TrySend));
        if (data.IsEmpty)
        {
            sent = 0;
            return true;
        }

        sent = IoBackend.TrySend(_registration, data, SocketFlags.None, forStream: true);
        if (sent < 0)
        {
            sent = 0;
            return false;
        }

        return true;
    }

    /// <inheritdoc />
    public override Future WaitReadableAsync() => _registration.WaitForHintAsync(IoDirection.Read, nameof(WaitReadableAsync));

    /// <inheritdoc />
    public override Future WaitWritableAsync() => _registration.WaitForHintAsync(IoDirection.Write, nameof(WaitWritableAsync));

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
