namespace Coop.Tests.Processes;

/// <summary>The ways a loop starts and waits for children; the contract suites run against each.</summary>
public enum ChildKind
{
    /// <summary>posix_spawn and a pidfd on the epoll poller (the default on Linux).</summary>
    Pidfd,

    /// <summary>.NET's Process on the portable poller.</summary>
    DotnetPortable,

    /// <summary>.NET's Process on the epoll poller (where pidfds are missing, or this process is pid 1).</summary>
    DotnetEpoll,
}
