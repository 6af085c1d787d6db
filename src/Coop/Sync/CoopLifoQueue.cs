// asyncio.LifoQueue: a CoopQueue whose store hands out the newest item first.
using Coop.Core;

namespace Coop;

/// <summary>A last-in first-out <see cref="CoopQueue{T}"/> (asyncio's <c>LifoQueue</c>).</summary>
/// <param name="maxSize">The most items the queue holds; zero or less for no limit.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "asyncio's names: it is a queue.")]
public sealed class CoopLifoQueue<T>(int maxSize = 0) : CoopQueue<T>(new LifoStore<T>(), maxSize);
