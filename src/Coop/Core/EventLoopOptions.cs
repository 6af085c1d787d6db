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

    /// <summary>Debug mode (docs/diagnostics.md, "When the loop stalls"): slow steps, a loop thread
    /// blocked inside a step, coroutines never run, awaits cut short by a cancellation are reported.
    /// Off by default; the environment variable <c>COOP_DEBUG=1</c> turns it on for every loop whose
    /// options do not say otherwise.</summary>
    public bool Debug { get; init; } = DebugFromEnvironment();

    /// <summary>In debug mode, how long one step may run before it is reported as slow (and the loop
    /// as stalled while it still runs); 100 ms by default, as in asyncio.</summary>
    public TimeSpan SlowStepThreshold
    {
        get => _slowStepThreshold;
        init => _slowStepThreshold = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The slow-step threshold must be positive.");
    }

    private readonly TimeSpan _slowStepThreshold = TimeSpan.FromMilliseconds(100);

    private static bool DebugFromEnvironment() =>
        Environment.GetEnvironmentVariable("COOP_DEBUG") is { Length: > 0 } value && value != "0";
}
