// The seam between the loop and the operating system's wait for I/O (STYLE 4; docs/io.md). The loop
// knows only this much of it: one call that waits for the earliest of a deadline, I/O becoming ready
// and a wake-up from another thread, and makes the tasks whose I/O is ready ready; the wake-up; and
// closing. Sockets, their registrations and the operations on them live in IO/ (IoBackend, which
// derives from this), so Core names no I/O type.
// A poller that wakes through the inbox's monitor instead (the portable one, whose completions arrive
// as posts) is attached with wakesLoop false: the loop then never blocks in Poll.
namespace Coop.Core;

internal abstract class Poller
{
    /// <summary>Waits up to <paramref name="timeout"/> (infinite when negative, none when zero) for
    /// I/O or <see cref="Wake"/>, and makes ready what the I/O that arrived was waited for by. Runs
    /// on the loop thread only.</summary>
    public abstract void Poll(TimeSpan timeout);

    /// <summary>From any thread: ends a <see cref="Poll"/> in progress, or makes the next one return
    /// at once.</summary>
    public abstract void Wake();

    /// <summary>The loop is closing: close what the poller owns, and report the sockets that were
    /// still open (the poller closes them).</summary>
    public abstract void Close();
}
