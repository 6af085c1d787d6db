// asyncio.PriorityQueue: a CoopQueue whose store hands out the smallest item first (by a comparer;
// equal items in the order they were put).
using Coop.Core;

namespace Coop;

/// <summary>A <see cref="CoopQueue{T}"/> that hands out the smallest item first (asyncio's
/// <c>PriorityQueue</c>); equal items leave in the order they came. Put tuples such as
/// <c>(priority, value)</c> to order by a priority.</summary>
/// <param name="maxSize">The most items the queue holds; zero or less for no limit.</param>
/// <param name="comparer">How items compare; <see cref="Comparer{T}.Default"/> if null.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "asyncio's names: it is a queue.")]
public sealed class CoopPriorityQueue<T>(int maxSize = 0, IComparer<T>? comparer = null)
    : CoopQueue<T>(new PriorityStore<T>(comparer ?? Comparer<T>.Default), maxSize);
