namespace Coop.IO;

/// <summary>Which way a task waits on a socket: each socket has at most one waiter per direction.</summary>
internal enum IoDirection : byte
{
    Read,
    Write,
}
