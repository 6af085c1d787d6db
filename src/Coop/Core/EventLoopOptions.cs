// How to build an event loop: its clock, where it reports errors, how it waits for I/O, and room for
// what later options need. One object rather than a constructor parameter per option, so a new option
// does not add an overload to EventLoop and to every EventLoop.Run.
using Microsoft.Extensions.Logging;

namespace Coop;

/// <summary>Options for a new <see cref="EventLoop"/>: pass them to
/// <see cref="EventLoop(EventLoopOptions)"/> or to <c>EventLoop.Run</c>.</summary>
public sealed partial class EventLoopOptions
{
    /// <summary>The loop's clock; the system clock if null. A virtual clock (<c>Coop.Testing.VirtualClock</c>) makes time
    /// jump when the loop is idle.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where the loop reports errors nobody awaited; standard error if null.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>How the loop waits for sockets (docs/io.md). <see cref="PollerKind.Automatic"/> picks
    /// epoll on Linux and the portable poller elsewhere.</summary>
    public PollerKind Poller { get; init; } = PollerKind.Automatic;
}
