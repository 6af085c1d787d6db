// The portable poller (docs/io.md): for macOS, Windows, and Linux when a loop asks for it
// (PollerKind.Portable; the I/O test suite runs against it too). It emulates readiness with .NET's own
// asynchronous socket calls, whose completions are posted to the loop's inbox, so the operations in
// IoBackend run unchanged and stay cancel-safe:
// - readable: a zero-byte ReceiveAsync (Peek for datagrams, so no datagram is consumed) completes
//   when data or end of stream arrives and takes no byte; canceling it loses nothing;
// - a listening socket: an AcceptAsync whose connection is kept in the registration's backlog and
//   handed to the next accept, so a canceled accept loses no connection;
// - writable: .NET has no asynchronous "wait until writable", so a pool thread polls the socket in
//   short slices while a task waits (only under backpressure, or while connecting).
// The loop sleeps on the inbox's monitor as it does without I/O; its Poll does nothing.
// Rejected: completing sends with SendAsync (a canceled SendAsync may have sent part of its buffer,
// so a canceled SendAsync could not promise "nothing sent"), and a thread per waiting reader.
using System.Net.Sockets;

namespace Coop.IO;

internal sealed class PortableBackend : IoBackend
{
    private const int WritablePollSliceMicroseconds = 50_000;

    public PortableBackend(EventLoop loop)
        : base(loop)
    {
    }

    public override bool AnswersWithoutThreads => false;

    public override bool TracksReadiness => false;

    public override void Poll(TimeSpan timeout)
    {
        // Completions arrive as posts: the loop drains them from the inbox.
    }

    public override void Wake()
    {
        // Never attached as the loop's sleeper: the inbox's monitor wakes the loop.
    }

    public override void OnWaitStarted(SocketRegistration registration, IoDirection direction)
    {
        var state = StateOf(registration);
        var wait = direction == IoDirection.Read ? registration.Reader! : registration.Writer!;
        var stop = new CancellationTokenSource();
        if (direction == IoDirection.Read)
        {
            state.ReadStop = stop;
            if (state.IsListener ??= IsListening(registration.Socket))
            {
                _ = AcceptIntoBacklog(registration, state, wait, stop.Token);
            }
            else
            {
                _ = WatchReadable(registration, wait, stop.Token);
            }
        }
        else
        {
            state.WriteStop = stop;
            ThreadPool.UnsafeQueueUserWorkItem(static s => WatchWritable(s), (registration, wait, stop.Token), preferLocal: false);
        }
    }

    public override void OnWaitEnded(SocketRegistration registration, IoDirection direction)
    {
        var state = StateOf(registration);
        if (direction == IoDirection.Read)
        {
            state.ReadStop?.Cancel();
            state.ReadStop = null;
        }
        else
        {
            state.WriteStop?.Cancel();
            state.WriteStop = null;
        }
    }

    public override async Coroutine<Socket> AcceptAsync(SocketRegistration registration)
    {
        StartOperation(registration);
        var state = StateOf(registration);
        state.IsListener = true;
        while (true)
        {
            if (state.Backlog.TryDequeue(out var accepted))
            {
                return accepted;
            }

            if (state.AcceptError is { } error)
            {
                state.AcceptError = null;
                throw error;
            }

            try
            {
                return registration.Socket.Accept();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
            }

            await registration.WaitAsync(IoDirection.Read, "AcceptAsync");
        }
    }

    protected override void OnRegistered(SocketRegistration registration)
    {
        registration.BackendState = new PortableState();
    }

    protected override void OnForgetting(SocketRegistration registration)
    {
        var state = StateOf(registration);
        state.ReadStop?.Cancel();
        state.WriteStop?.Cancel();
        while (state.Backlog.TryDequeue(out var accepted))
        {
            accepted.Dispose(); // accepted for a task that never took it: nobody else owns it
        }
    }

    protected override void CloseBackend()
    {
    }

    private static PortableState StateOf(SocketRegistration registration) => (PortableState)registration.BackendState!;

    private static bool IsListening(Socket socket)
    {
        try
        {
            return socket.SocketType == SocketType.Stream
                && socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) is int listening && listening != 0;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WatchReadable(SocketRegistration registration, ReadinessFuture wait, CancellationToken stop)
    {
        var socket = registration.Socket;
        try
        {
            var flags = registration.IsStream ? SocketFlags.None : SocketFlags.Peek;
            await socket.ReceiveAsync(Memory<byte>.Empty, flags, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the wait ended first
        }
        catch (SocketException)
        {
            // An error is an answer too: the operation's own call reports it.
        }
        catch (ObjectDisposedException)
        {
            return; // closed: Close already failed the wait
        }

        Post(registration, wait, readable: true);
    }

    private static async Task AcceptIntoBacklog(SocketRegistration registration, PortableState state, ReadinessFuture wait, CancellationToken stop)
    {
        try
        {
            var accepted = await registration.Socket.AcceptAsync(stop).ConfigureAwait(false);
            registration.Loop.TryPostOutcome(
                static s =>
                {
                    var (registration, state, accepted, wait) = ((SocketRegistration, PortableState, Socket, ReadinessFuture))s!;
                    if (registration.IsClosed)
                    {
                        accepted.Dispose();
                        return;
                    }

                    state.Backlog.Enqueue(accepted); // kept even if the wait was canceled meanwhile
                    if (registration.Reader == wait)
                    {
                        registration.OnReady(readable: true, writable: false, hungUp: false);
                    }
                },
                (registration, state, accepted, wait),
                static s => (((SocketRegistration, PortableState, Socket, ReadinessFuture))s!).Item3.Dispose());
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException e)
        {
            registration.Loop.TryPostOutcome(
                static s =>
                {
                    var (registration, state, error, wait) = ((SocketRegistration, PortableState, SocketException, ReadinessFuture))s!;
                    state.AcceptError = error;
                    if (registration.Reader == wait)
                    {
                        registration.OnReady(readable: true, writable: false, hungUp: false);
                    }
                },
                (registration, state, e, wait),
                static _ => { });
        }
    }

    private static void WatchWritable((SocketRegistration Registration, ReadinessFuture Wait, CancellationToken Stop) s)
    {
        var socket = s.Registration.Socket;
        try
        {
            while (!s.Stop.IsCancellationRequested)
            {
                // Writable, or (Windows) a failed connect, which select reports as an error instead.
                if (socket.Poll(WritablePollSliceMicroseconds, SelectMode.SelectWrite) || socket.Poll(0, SelectMode.SelectError))
                {
                    Post(s.Registration, s.Wait, readable: false);
                    return;
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
            Post(s.Registration, s.Wait, readable: false);
        }
    }

    private static void Post(SocketRegistration registration, ReadinessFuture wait, bool readable)
    {
        registration.Loop.TryPostOutcome(
            static s =>
            {
                var (registration, wait, readable) = ((SocketRegistration, ReadinessFuture, bool))s!;
                if ((readable ? registration.Reader : registration.Writer) == wait)
                {
                    registration.OnReady(readable, !readable, hungUp: false);
                }
            },
            (registration, wait, readable),
            static _ => { }); // the loop closed first: its sockets are closed, nobody waits
    }

    /// <summary>What the portable backend keeps per socket.</summary>
    private sealed class PortableState
    {
        public CancellationTokenSource? ReadStop { get; set; }

        public CancellationTokenSource? WriteStop { get; set; }

        public bool? IsListener { get; set; }

        /// <summary>Connections accepted for a wait and not yet taken by an accept.</summary>
        public Queue<Socket> Backlog { get; } = new();

        public SocketException? AcceptError { get; set; }
    }
}
