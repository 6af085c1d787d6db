// A send of every byte on a socket (SocketStream.SendAllAsync, loop.SockSendAllAsync): a coroutine
// frame written by hand, so that a send the kernel takes whole ends inside the awaiter's IsCompleted
// (SocketOperation.cs says why). It returns when the kernel has taken the last byte: backpressure
// with no buffer of its own. On a stream, a send canceled or failed after the kernel took part of
// the data refuses further sends (SocketRegistration.SendBroken).
using System.Net.Sockets;
using Next = Coop.IO.SocketOperation.Next;

namespace Coop.IO;

internal sealed class SendAllOperation : Coroutine
{
    private readonly SocketRegistration _registration;
    private readonly bool _forStream;
    private ReadOnlyMemory<byte> _left; // what the kernel has not taken yet
    private bool _taken; // the kernel has part of the data: the peer's view of the stream is unknown if we stop now
    private bool _holdsSending; // this send set the registration's Sending mark, and clears it when it ends
    private Next _next;
    private ReadinessFuture? _wait;

    public SendAllOperation(SocketRegistration registration, ReadOnlyMemory<byte> data, bool forStream)
    {
        _registration = registration;
        _left = data;
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
            Check();
            var sent = _left.IsEmpty ? 0 : IoBackend.TrySend(_registration, _left.Span, SocketFlags.None, _forStream);
            if (sent == _left.Length)
            {
                EndOnAwait(null);
                return true;
            }

            if (sent > 0)
            {
                _taken = true;
                _left = _left[sent..];
            }

            _next = Next.WaitFirst; // no room (EAGAIN), or a short send found the buffer full
        }
        catch (Exception e)
        {
            EndOnAwait(e); // nothing was taken: the stream stays usable
            return true;
        }

        HoldSending();
        return false;
    }

    internal override void MoveNext()
    {
        var task = CoopTask.Current!; // the awaiting task: on a misused socket, another loop's
        try
        {
            if (_next == Next.Start)
            {
                Check();
                HoldSending();
            }
            else if (_next == Next.Woken)
            {
                SocketOperation.EndWait(_wait!);
                _wait = null;
            }

            while (!_left.IsEmpty)
            {
                if (_next != Next.WaitFirst)
                {
                    var sent = IoBackend.TrySend(_registration, _left.Span, SocketFlags.None, _forStream);
                    if (sent >= 0)
                    {
                        _taken |= sent > 0;
                        _left = _left[sent..];
                        continue;
                    }
                }

                _wait = SocketOperation.Park(task, _registration, IoDirection.Write, "SendAllAsync");
                _next = Next.Woken;
                return;
            }

            Finish(null, task);
        }
        catch (Exception e)
        {
            Finish(e, task);
        }
    }

    /// <summary>Made a task: an async coroutine that awaits a fresh copy of this send becomes the
    /// task, and this object reports on it.</summary>
    internal override CoopTask IntoTask(EventLoop loop, string? name)
    {
        ClaimForTask();
        var task = AwaitInTask(new SendAllOperation(_registration, _left, _forStream)).IntoTask(loop, name);
        BecameTask(task);
        return task;
    }

    private static async Coroutine AwaitInTask(SendAllOperation send) => await send;

    public override string ToString() => $"SendAllAsync on {_registration}";

    private void Check()
    {
        IoBackend.StartOperation(_registration);
        _registration.CheckCanSend("SendAllAsync", _forStream);
    }

    private void HoldSending()
    {
        _registration.Sending = true;
        _holdsSending = true;
    }

    private void Finish(Exception? error, CoopTask task)
    {
        if (_holdsSending)
        {
            _registration.Sending = false;
        }

        if (error != null && _taken && _forStream)
        {
            _registration.SendBroken = true;
        }

        End(error, task);
    }
}
