// `await foreach` over a ChannelReceiver: the compiler's pattern (GetAsyncEnumerator, MoveNextAsync,
// Current) with a kernel awaiter, so each step is an ordinary park on the receive's future and ends
// quietly, returning false, at the end of the channel. Cancel-safe as Receive is.
using System.Runtime.CompilerServices;
using Coop.CompilerServices;

namespace Coop;

/// <summary>Enumerates a <see cref="ChannelReceiver{T}"/> for <c>await foreach</c>.</summary>
public sealed class ChannelEnumerator<T>
{
    private readonly ChannelReceiver<T> _receiver;

    internal ChannelEnumerator(ChannelReceiver<T> receiver) => _receiver = receiver;

    /// <summary>The item received by the last <see cref="MoveNextAsync"/>.</summary>
    public T Current { get; internal set; } = default!;

    /// <summary>Receives the next item; the awaited result is false at the end of the channel.</summary>
    public NextAwaitable MoveNextAsync()
    {
        if (_receiver.TryReceiveOrEnd(out var item, out var ended))
        {
            Current = item;
            return new NextAwaitable(this, null, true);
        }

        return ended ? new NextAwaitable(this, null, false) : new NextAwaitable(this, _receiver.ReceiveAsync(), false);
    }

    /// <summary>Awaits one step of the enumeration. Used by the compiler.</summary>
    public readonly struct NextAwaitable : ICriticalNotifyCompletion, IKernelAwaiter
    {
        private readonly ChannelEnumerator<T> _owner;
        private readonly Future<T>? _receive;
        private readonly bool _ready;

        internal NextAwaitable(ChannelEnumerator<T> owner, Future<T>? receive, bool ready)
        {
            _owner = owner;
            _receive = receive;
            _ready = ready;
        }

        /// <summary>True when the step needs no wait.</summary>
        public bool IsCompleted => _receive?.IsDone ?? true;

        /// <summary>Returns this awaitable as its own awaiter.</summary>
        public NextAwaitable GetAwaiter() => this;

        /// <summary>True with <see cref="Current"/> set, or false at the end of the channel.</summary>
        public bool GetResult()
        {
            if (_receive == null)
            {
                return _ready;
            }

            CoopTask.Current?.ThrowIfCancelRequested(_receive);
            if (_receive.State == FutureState.Failed && _receive.Exception is EndOfChannelException)
            {
                return false;
            }

            _owner.Current = _receive.Result;
            return true;
        }

        /// <inheritdoc />
        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        /// <inheritdoc />
        public void UnsafeOnCompleted(Action continuation) => Suspension.ParkOn(_receive!, continuation);
    }
}
