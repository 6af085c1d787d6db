// A receive on a socket (SocketStream.ReceiveAsync, loop.SockReceiveAsync): a coroutine frame written
// by hand, so that a receive whose bytes are already there ends inside the awaiter's IsCompleted
// (SocketOperation.cs says why). Cancel-safe as every readiness operation: the only wait is for
// readiness, and a receive canceled there has taken no byte.
using System.Net.Sockets;
using Next = Coop.IO.SocketOperation.Next;

namespace Coop.IO;

internal sealed class ReceiveOperation : Coroutine<int>
{
    private readonly SocketRegistration _registration;
    private readonly Memory<byte> _buffer;
    private readonly SocketFlags _flags;
    private readonly bool _forStream;
    private Next _next;
    private ReadinessFuture? _wait;

    public ReceiveOperation(SocketRegistration registration, Memory<byte> buffer, SocketFlags flags, bool forStream)
    {
        _registration = registration;
        _buffer = buffer;
        _flags = flags;
        _forStream = forStream;
        MadeToEndOnAwait();
    }

    private protected override bool TryEndOnAwait()
    {
        if (!SocketOperation.CanEndOnAwait(_registration))
        {
            return false;
        }

        try
        {
            IoBackend.StartOperation(_registration);
            if (IoBackend.TryReceive(_registration, _buffer.Span, _flags, _forStream, out var received))
            {
                ReturnOnAwait(received);
                return true;
            }
        }
        catch (Exception e)
        {
            EndOnAwait(e);
            return true;
        }

        _next = Next.WaitFirst;
        return false;
    }

    internal override void MoveNext()
    {
        var task = CoopTask.Current!; // the awaiting task: on a misused socket, another loop's
        try
        {
            if (_next == Next.Start)
            {
                IoBackend.StartOperation(_registration);
            }
            else if (_next == Next.Woken)
            {
                SocketOperation.EndWait(_wait!);
                _wait = null;
            }

            if (_next != Next.WaitFirst && IoBackend.TryReceive(_registration, _buffer.Span, _flags, _forStream, out var received))
            {
                SetResult(received, task);
                return;
            }

            _wait = SocketOperation.Park(task, _registration, IoDirection.Read, "ReceiveAsync");
            _next = Next.Woken;
        }
        catch (Exception e)
        {
            End(e, task);
        }
    }

    /// <summary>Made a task: an async coroutine that awaits a fresh copy of this receive becomes
    /// the task, and this object reports on it.</summary>
    internal override CoopTask IntoTask(EventLoop loop, string? name)
    {
        ClaimForTask();
        var task = AwaitInTask(new ReceiveOperation(_registration, _buffer, _flags, _forStream)).IntoTask(loop, name);
        BecameTask(task);
        return task;
    }

    private static async Coroutine<int> AwaitInTask(ReceiveOperation receive) => await receive;

    public override string ToString() => $"ReceiveAsync on {_registration}";
}
