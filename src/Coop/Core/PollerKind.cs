namespace Coop;

/// <summary>How an event loop waits for its sockets (<see cref="EventLoopOptions.Poller"/>).</summary>
public enum PollerKind
{
    /// <summary>Epoll on Linux, the portable poller elsewhere.</summary>
    Automatic,

    /// <summary>Linux epoll: the loop waits in one <c>epoll_wait</c> for its sockets, its next
    /// deadline and posts from other threads. Linux only.</summary>
    Epoll,

    /// <summary>.NET's own asynchronous socket calls, whose completions are posted to the loop: works
    /// on every platform .NET runs on, at the cost of .NET's socket threads.</summary>
    Portable,
}
