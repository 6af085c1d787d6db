// The Linux poller (docs/io.md): one epoll instance per loop, holding the loop's sockets and an
// eventfd that posts from other threads write to (Poller.Wake). The idle loop sleeps in one
// epoll_pwait2 (nanosecond timeout; epoll_wait where the C library lacks it) for the earliest of its
// next deadline, a socket event and a post, so it burns no CPU while idle.
// Registration is edge-triggered and lasts as long as the socket (EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET,
// added once): a wait costs no epoll_ctl, and readiness is remembered on the registration between
// edges (SocketRegistration). Level-triggered registration (interest added for each wait and removed
// after it, asyncio's way) is kept selectable for the measurement in docs/design.md, which chose edges.
// A socket leaves the epoll set when its descriptor closes (no EPOLL_CTL_DEL); an event the kernel
// had already queued for it carries its slot's old generation and is dropped.
// Only the loop thread calls epoll; sockets are .NET Socket objects used through their non-blocking
// synchronous calls only, so .NET never registers them with its own epoll thread (docs/io.md shows
// the thread list and an strace).
// Under a seeded schedule the events of one poll are handed out in registration order, not in the
// kernel's, so the chooser's offsets name the same tasks when a schedule is replayed.
using System.Runtime.InteropServices;

namespace Coop.IO;

internal sealed unsafe class EpollBackend : IoBackend
{
    private const int MaxEvents = 256;
    private const ulong WakeData = ulong.MaxValue; // the eventfd's event data; sockets use slot | generation << 32

    private static bool s_noPreciseWait; // epoll_pwait2 missing from this kernel or C library

    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly byte* _events;
    private readonly bool _edgeTriggered;
    private readonly List<(SocketRegistration Registration, uint Events)> _ordered = new();
    private bool _closed;

    public EpollBackend(EventLoop loop, bool edgeTriggered = true)
        : base(loop)
    {
        _edgeTriggered = edgeTriggered;
        _epoll = Epoll.Create(Epoll.CloseOnExec);
        if (_epoll < 0)
        {
            throw new IOException($"epoll_create1 failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        _wakeFd = Epoll.EventFd(0, Epoll.CloseOnExec | Epoll.NonBlocking);
        if (_wakeFd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Epoll.Close(_epoll);
            throw new IOException($"eventfd failed (errno {errno}).");
        }

        // Edge-triggered, never read: each write is a new edge, and the counter cannot fill in any
        // realistic run (2^64 - 2 posts), so a wake costs the poster one write and the loop nothing.
        var error = Epoll.Control(_epoll, Epoll.CtlAdd, _wakeFd, Epoll.In | Epoll.EdgeTriggered, WakeData);
        if (error != 0)
        {
            Epoll.Close(_wakeFd);
            Epoll.Close(_epoll);
            throw new IOException($"epoll_ctl on the eventfd failed (errno {error}).");
        }

        _events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * Epoll.EventSize));
    }

    public override bool AnswersWithoutThreads => true;

    public override bool TracksReadiness => _edgeTriggered;

    public override void Poll(TimeSpan timeout)
    {
        var count = WaitForEvents(timeout);
        if (count <= 0)
        {
            return; // timed out, or interrupted by a signal: the loop iterates and waits again
        }

        var ordered = Loop.Chooser != null;
        for (var i = 0; i < count; i++)
        {
            var ev = _events + (i * Epoll.EventSize);
            var data = *(ulong*)(ev + Epoll.DataOffset);
            if (data == WakeData)
            {
                continue; // a post: the loop drains the inbox right after this
            }

            if (Find((int)(uint)data, (uint)(data >> 32)) is not { } registration)
            {
                continue; // the socket was closed after the kernel queued this event
            }

            var events = *(uint*)ev;
            if (ordered)
            {
                _ordered.Add((registration, events));
            }
            else
            {
                Dispatch(registration, events);
            }
        }

        if (ordered)
        {
            _ordered.Sort(static (a, b) => a.Registration.Id.CompareTo(b.Registration.Id));
            foreach (var (registration, events) in _ordered)
            {
                Dispatch(registration, events);
            }

            _ordered.Clear();
        }
    }

    public override void Wake()
    {
        ulong one = 1;
        Epoll.Write(_wakeFd, &one, sizeof(ulong)); // EAGAIN only if the counter is full: it is readable then anyway
    }

    public override void OnWaitStarted(SocketRegistration registration, IoDirection direction)
    {
        if (!_edgeTriggered)
        {
            Interest(registration);
        }
    }

    public override void OnWaitEnded(SocketRegistration registration, IoDirection direction)
    {
        if (!_edgeTriggered && !registration.IsClosed)
        {
            Interest(registration);
        }
    }

    protected override void OnRegistered(SocketRegistration registration)
    {
        var events = _edgeTriggered ? Epoll.In | Epoll.Out | Epoll.RdHup | Epoll.EdgeTriggered : 0;
        var error = Epoll.Control(_epoll, Epoll.CtlAdd, (int)registration.Socket.Handle, events, DataOf(registration));
        if (error != 0)
        {
            throw new IOException($"epoll_ctl could not register {registration} (errno {error}).");
        }

        if (registration.IsStream)
        {
            registration.UseDescriptor(); // receives and sends skip Socket's calls (SocketCalls)
        }
    }

    protected override void CloseBackend()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        Epoll.Close(_wakeFd);
        Epoll.Close(_epoll);
        NativeMemory.Free(_events);
    }

    private static ulong DataOf(SocketRegistration registration) =>
        (uint)registration.Slot | ((ulong)registration.Generation << 32);

    private static void Dispatch(SocketRegistration registration, uint events)
    {
        registration.OnReady(
            readable: (events & Epoll.In) != 0,
            writable: (events & Epoll.Out) != 0,
            hungUp: (events & (Epoll.RdHup | Epoll.Hup | Epoll.Err)) != 0);
    }

    /// <summary>Level-triggered mode: the interest is what the socket's waiters want now.</summary>
    private void Interest(SocketRegistration registration)
    {
        var events = (registration.Reader != null ? Epoll.In | Epoll.RdHup : 0) | (registration.Writer != null ? Epoll.Out : 0);
        var error = Epoll.Control(_epoll, Epoll.CtlMod, (int)registration.Socket.Handle, events, DataOf(registration));
        if (error != 0)
        {
            throw new IOException($"epoll_ctl could not change the interest of {registration} (errno {error}).");
        }
    }

    private int WaitForEvents(TimeSpan timeout)
    {
        if (timeout == TimeSpan.Zero || timeout < TimeSpan.Zero || s_noPreciseWait)
        {
            return WaitMilliseconds(timeout);
        }

        var spec = new Epoll.Timespec { Seconds = timeout.Ticks / TimeSpan.TicksPerSecond, Nanoseconds = timeout.Ticks % TimeSpan.TicksPerSecond * 100 };
        try
        {
            var count = Epoll.WaitPrecise(_epoll, _events, MaxEvents, &spec, null);
            if (count >= 0 || Marshal.GetLastPInvokeError() != Epoll.ENoSys)
            {
                return count;
            }
        }
        catch (EntryPointNotFoundException)
        {
        }

        s_noPreciseWait = true;
        return WaitMilliseconds(timeout);
    }

    private int WaitMilliseconds(TimeSpan timeout)
    {
        // Rounded up: waking before the deadline would spin until it.
        var ms = timeout < TimeSpan.Zero ? -1 : (int)Math.Min(int.MaxValue - 1, Math.Ceiling(timeout.TotalMilliseconds));
        return Epoll.Wait(_epoll, _events, MaxEvents, ms);
    }
}
