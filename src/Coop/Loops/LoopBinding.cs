// A cross-loop handle belongs to the loop it is first used on: its own fields are single-threaded, and
// only the channel's shared state (its lanes) is touched by two threads. A lane has one sender and one
// receiver, so using a handle from another loop or from a thread without a loop is the mistake that
// would corrupt it; it fails clearly instead.
namespace Coop.Loops;

internal struct LoopBinding
{
    private EventLoop? _loop;

    /// <summary>The running loop, bound on first use; throws if this is not the bound loop.</summary>
    public EventLoop Check(string handle)
    {
        var running = EventLoop.CurrentOrNull ?? throw new InvalidOperationException(
            $"{handle} was used on a thread with no event loop running: it belongs to one loop and is used from a coroutine on that loop.");
        if (_loop == null)
        {
            _loop = running;
        }
        else if (_loop != running)
        {
            throw new InvalidOperationException(
                $"{handle} belongs to another event loop (the one it was first used on): each loop needs its own handle " +
                "(CrossLoopSender.Clone for another sending loop).");
        }

        return running;
    }
}
