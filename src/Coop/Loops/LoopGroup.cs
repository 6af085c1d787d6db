// A group of event loops, one per core by default, each on its own thread with its own poller: the
// shard-per-core design (Seastar, Glommio, nginx workers with reuseport). Tasks never move between
// loops, so inside a loop there are still no data races; loops talk through cross-loop channels
// (CrossLoopChannel) and cross-loop calls (CallAsync), both built on the loops' inboxes.
// Each loop runs its entry coroutine as its main task. Entries start only once every loop of the group
// runs, and a loop whose entry has ended goes on running (other loops may still call it or send to it)
// until every entry has ended; then each loop cancels what is left on it, as EventLoop.Run does, runs
// that to its end, and closes.
// Shutdown cancels each loop's main task (and then what is left) through its inbox and joins the
// threads, with a timeout, since a loop stuck in code that never awaits cannot be canceled; such a
// loop is named in the TimeoutException and its thread, a background thread, is left behind.
// A failure (an entry that throws, or the loop itself) is recorded with the loop's name;
// LoopFailurePolicy decides whether the other loops go on. A loop that failed never hangs the
// shutdown: its thread ends whatever it threw.
using Coop.Loops;

namespace Coop;

/// <summary>
/// N event loops, one per core by default, each on its own thread with its own poller, each owning
/// its own tasks, sockets and timers (shared-nothing). <see cref="Start(Func{LoopShard, Coroutine})"/>
/// runs an entry coroutine on each loop; loops exchange data through <see cref="CrossLoopChannel"/>
/// and call each other with <see cref="CallAsync{T}(int, Func{Coroutine{T}})"/>.
/// </summary>
/// <example><code>
/// using var group = new LoopGroup(new LoopGroupOptions { LoopCount = 4 });
/// group.Start(shard => shard.ServeTcpAsync(Handle, 8080));
/// ...
/// group.Shutdown(TimeSpan.FromSeconds(5));
/// </code></example>
public sealed class LoopGroup : IDisposable
{
    private readonly LoopGroupOptions _options;
    private readonly LoopShard[] _shards;
    private readonly CoopTask?[] _mains;     // each written and read on its own loop's thread
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private readonly List<LoopFailure> _failures = new(); // under _gate
    private readonly Dictionary<(int Port, string? Host), ConnectionHandOff> _handOffs = new(); // under _gate
    private readonly CountdownEvent _ended;
    private readonly TaskCompletionSource _allRunning = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int[] _runningSeen;   // 1 once a loop counted itself as running
    private readonly TaskCompletionSource _allEntriesEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _notRunningYet;
    private int _entriesRunning;
    private Func<LoopShard, Coroutine>[]? _entries;
    private LoopStallWatchdog? _watchdog;
    private volatile bool _stopRequested;
    private bool _started; // under _gate
    private bool _disposed;

    /// <summary>Creates the group's loops (not started: see <see cref="Start(Func{LoopShard, Coroutine})"/>).</summary>
    /// <param name="options">How many loops and how they are built; null for one loop per core.</param>
    public LoopGroup(LoopGroupOptions? options = null)
    {
        _options = options ?? new LoopGroupOptions();
        if (_options.LoopCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.LoopCount, "LoopGroupOptions.LoopCount must be at least 1, or 0 for one loop per core.");
        }

        if (string.IsNullOrEmpty(_options.Name))
        {
            throw new ArgumentException("LoopGroupOptions.Name must not be empty: it names the loops and their threads.", nameof(options));
        }

        if (_options.StallThreshold is { } threshold && threshold <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), threshold, "LoopGroupOptions.StallThreshold must be positive (null for no watchdog).");
        }

        var count = _options.LoopCount == 0 ? Environment.ProcessorCount : _options.LoopCount;
        _shards = new LoopShard[count];
        _mains = new CoopTask?[count];
        _threads = new Thread[count];
        _ended = new CountdownEvent(count);
        _notRunningYet = count;
        _entriesRunning = count;
        _runningSeen = new int[count];
        for (var i = 0; i < count; i++)
        {
            var loopOptions = _options.LoopOptions?.Invoke(i) ?? new EventLoopOptions();
            _shards[i] = new LoopShard(this, i, $"{_options.Name}-{i}", new EventLoop(loopOptions));
        }
    }

    /// <summary>How many loops the group has.</summary>
    public int Count => _shards.Length;

    /// <summary>The group's loops, by index.</summary>
    public IReadOnlyList<LoopShard> Shards => _shards;

    /// <summary>The failures so far, in the order they happened (a snapshot).</summary>
    public IReadOnlyList<LoopFailure> Failures
    {
        get
        {
            lock (_gate)
            {
                return _failures.ToArray();
            }
        }
    }

    /// <summary>True once every loop has ended (its entry returned, failed or was canceled).</summary>
    public bool IsCompleted => _ended.IsSet;

    /// <summary>Runs <paramref name="entry"/> on every loop of a new group and returns when every loop
    /// has ended; a failure shuts the group down (<see cref="LoopFailurePolicy.StopGroup"/> unless the
    /// options say otherwise).</summary>
    /// <exception cref="LoopGroupException">One or more loops failed.</exception>
    public static void Run(Func<LoopShard, Coroutine> entry, LoopGroupOptions? options = null)
    {
        using var group = new LoopGroup(options);
        group.Start(entry);
        group.Wait();
    }

    /// <summary>Starts every loop on its own thread, each running the coroutine
    /// <paramref name="entry"/> makes for it, as its main task. The entries start once every loop of
    /// the group runs; a loop whose entry ended keeps running (for the other loops' calls and
    /// messages) until every entry has ended, then cancels the tasks left on it and closes. Returns at
    /// once.</summary>
    /// <param name="entry">Makes a loop's main coroutine; called on that loop's thread.</param>
    /// <exception cref="InvalidOperationException">The group was started (or disposed) already.</exception>
    public void Start(Func<LoopShard, Coroutine> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StartLoops(Enumerable.Repeat(entry, Count).ToArray());
    }

    /// <summary>Starts every loop on its own thread, loop <c>i</c> running the coroutine
    /// <c>entries[i]</c> makes, as its main task.</summary>
    /// <param name="entries">One entry per loop.</param>
    /// <exception cref="ArgumentException">Not exactly one entry per loop.</exception>
    /// <exception cref="InvalidOperationException">The group was started (or disposed) already.</exception>
    public void Start(IReadOnlyList<Func<LoopShard, Coroutine>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count != Count || entries.Any(e => e == null))
        {
            throw new ArgumentException($"The group has {Count} loops: give exactly one entry per loop, none null (got {entries.Count}).", nameof(entries));
        }

        StartLoops(entries.ToArray());
    }

    /// <summary>Blocks until every loop has ended.</summary>
    /// <exception cref="LoopGroupException">One or more loops failed.</exception>
    /// <exception cref="InvalidOperationException">Called on a loop of this group, or before <see cref="Start(Func{LoopShard, Coroutine})"/>.</exception>
    public void Wait() => Wait(Timeout.InfiniteTimeSpan);

    /// <summary>Blocks until every loop has ended or <paramref name="timeout"/> passes.</summary>
    /// <returns>False if some loop still runs after <paramref name="timeout"/>.</returns>
    /// <exception cref="LoopGroupException">Every loop ended, and one or more of them failed.</exception>
    /// <exception cref="InvalidOperationException">Called on a loop of this group, or before <see cref="Start(Func{LoopShard, Coroutine})"/>.</exception>
    public bool Wait(TimeSpan timeout)
    {
        CheckCanBlock(nameof(Wait));
        if (!_ended.Wait(timeout))
        {
            return false;
        }

        ThrowIfFailed();
        return true;
    }

    /// <summary>Asks every loop to stop: each loop's main task is canceled, then the tasks left on it,
    /// and the loop ends when they have. Returns at once; callable from any thread, a loop of the group
    /// included, and more than once.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        foreach (var shard in _shards)
        {
            var index = shard.Index;
            shard.Loop.TryPostOutcome(static s => ((StopRequest)s!).Run(), new StopRequest(this, index), static _ => { });
        }
    }

    /// <summary>Stops the group (<see cref="RequestStop"/>) and waits for every loop to end.</summary>
    /// <param name="timeout">How long to wait; null for as long as it takes.</param>
    /// <exception cref="TimeoutException">Some loop did not end in time (it runs code that never
    /// awaits, or ignores cancellation); the message names it.</exception>
    /// <exception cref="LoopGroupException">One or more loops failed.</exception>
    /// <exception cref="InvalidOperationException">Called on a loop of this group (use <see cref="RequestStop"/>).</exception>
    public void Shutdown(TimeSpan? timeout = null)
    {
        if (!IsStarted)
        {
            Dispose();
            return;
        }

        CheckCanBlock(nameof(Shutdown));
        RequestStop();
        if (!_ended.Wait(timeout ?? Timeout.InfiniteTimeSpan))
        {
            var running = _shards.Where(s => _threads[s.Index].IsAlive).Select(s => s.Name);
            throw new TimeoutException(
                $"The loop group did not stop within {timeout}: {string.Join(", ", running)} still running (a task that never awaits, or one that ignores cancellation).");
        }

        ThrowIfFailed();
    }

    /// <summary>Calls the coroutine <paramref name="function"/> makes on loop
    /// <paramref name="loopIndex"/> and awaits its result from the calling loop. Cancellation crosses
    /// over: if the caller is canceled, so is the call on the other loop, and the caller's
    /// <see cref="CanceledException"/> comes once the call there has ended (its <c>finally</c> blocks
    /// ran). On the caller's own loop the coroutine is simply awaited.</summary>
    /// <param name="loopIndex">The loop to run on.</param>
    /// <param name="function">Makes the coroutine; called on that loop's thread.</param>
    /// <returns>The coroutine's result, or the exception it threw (the same object). A call canceled
    /// on the other loop (its shutdown) throws <see cref="OperationCanceledException"/>.</returns>
    /// <exception cref="InvalidOperationException">Not called from a coroutine on a loop, or the target loop is not running.</exception>
    public Coroutine<T> CallAsync<T>(int loopIndex, Func<Coroutine<T>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var target = TargetOf(loopIndex);
        return EventLoop.CurrentOrNull == target ? function() : CrossLoopCall.Run(target, function);
    }

    /// <summary>Calls the coroutine <paramref name="function"/> makes on loop
    /// <paramref name="loopIndex"/> and awaits its end; see <see cref="CallAsync{T}(int, Func{Coroutine{T}})"/>.</summary>
    /// <param name="loopIndex">The loop to run on.</param>
    /// <param name="function">Makes the coroutine; called on that loop's thread.</param>
    /// <exception cref="InvalidOperationException">Not called from a coroutine on a loop, or the target loop is not running.</exception>
    public Coroutine CallAsync(int loopIndex, Func<Coroutine> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var target = TargetOf(loopIndex);
        return EventLoop.CurrentOrNull == target ? function() : CrossLoopCall.Run(target, function);
    }

    /// <summary>Stops the group and waits for every loop to end; failures are not thrown here (read
    /// <see cref="Failures"/>). A group never started just closes its loops.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        if (!IsStarted)
        {
            foreach (var shard in _shards)
            {
                shard.Loop.Close();
            }

            return;
        }

        if (_shards.Any(s => s.Loop.IsOnLoopThread))
        {
            throw new InvalidOperationException("A LoopGroup cannot be disposed on one of its own loops: that loop would wait for itself. Call RequestStop there.");
        }

        RequestStop();
        _ended.Wait();
        _watchdog?.Stop();
    }

    /// <inheritdoc />
    public override string ToString() => $"<LoopGroup {_options.Name} of {Count}, {(IsCompleted ? "ended" : IsStarted ? "running" : "not started")}>";

    private bool IsStarted
    {
        get
        {
            lock (_gate)
            {
                return _started;
            }
        }
    }

    /// <summary>The hand-off of connections for one address, made by whichever loop asks first.</summary>
    internal ConnectionHandOff HandOffFor(int port, string? host)
    {
        lock (_gate)
        {
            if (!_handOffs.TryGetValue((port, host), out var handOff))
            {
                handOff = new ConnectionHandOff(Count);
                _handOffs.Add((port, host), handOff);
            }

            return handOff;
        }
    }

    private EventLoop TargetOf(int loopIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(loopIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(loopIndex, Count);
        return _shards[loopIndex].Loop;
    }

    private void StartLoops(Func<LoopShard, Coroutine>[] entries)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                throw new InvalidOperationException("This LoopGroup is disposed.");
            }

            if (_started)
            {
                throw new InvalidOperationException("This LoopGroup was started already: a group runs once.");
            }

            _started = true;
        }

        _entries = entries;
        for (var i = 0; i < Count; i++)
        {
            var index = i;
            _threads[i] = new Thread(() => RunLoop(index)) { IsBackground = true, Name = _shards[i].Name };
        }

        if (_options.StallThreshold is { } threshold)
        {
            _watchdog = new LoopStallWatchdog(_shards, threshold, _options.StallReported ?? (stall => Console.Error.WriteLine("Coop: " + stall)));
        }

        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>One loop's thread: runs the loop until its main task ends, cancels what is left,
    /// closes the loop. Whatever happens, the thread ends and counts itself out.</summary>
    private void RunLoop(int index)
    {
        var shard = _shards[index];
        var loop = shard.Loop;
        try
        {
            loop.CallSoon(() => OnLoopRunning(index));
            var main = loop.CreateTask(Enter(shard, _entries![index]), shard.Name);
            _mains[index] = main;
            loop.RunUntilComplete(main);
        }
        catch (CanceledException) when (_stopRequested)
        {
            // The group stopped it: not a failure.
        }
#pragma warning disable CA1031 // whatever a loop throws is its failure, reported with its name; the thread must end
        catch (Exception e)
        {
            Fail(index, e);
        }

        try
        {
            loop.CancelLeftoverTasks();
        }
        catch (Exception e)
        {
            Fail(index, e);
        }
#pragma warning restore CA1031
        finally
        {
            if (loop.IsRunning)
            {
                loop.Stop(); // unreachable in practice: Run resets it, even when a step escapes
            }

            loop.Close();
            OnLoopRunning(index); // a loop that died before running must not hold the others' entries back
            if (_ended.Signal())
            {
                _watchdog?.Stop();
            }
        }
    }

    /// <summary>A loop's main task: waits until every loop runs (so that the entry may call into
    /// any of them), runs the entry, then keeps the loop serving calls and messages from the others
    /// until every entry has ended.</summary>
    private async Coroutine Enter(LoopShard shard, Func<LoopShard, Coroutine> entry)
    {
        if (!_allRunning.Task.IsCompleted)
        {
            await Coroutine.FromTask(_allRunning.Task);
        }

        try
        {
            await (entry(shard) ?? throw new InvalidOperationException($"The entry given to LoopGroup.Start returned null instead of a coroutine, on {shard.Name}."));
        }
        finally
        {
            if (Interlocked.Decrement(ref _entriesRunning) == 0)
            {
                _allEntriesEnded.TrySetResult();
            }
        }

        if (!_allEntriesEnded.Task.IsCompleted)
        {
            await Coroutine.FromTask(_allEntriesEnded.Task);
        }
    }

    private void OnLoopRunning(int index)
    {
        if (Interlocked.Exchange(ref _runningSeen[index], 1) == 0 && Interlocked.Decrement(ref _notRunningYet) == 0)
        {
            _allRunning.TrySetResult();
        }
    }

    private void Fail(int index, Exception error)
    {
        lock (_gate)
        {
            _failures.Add(new LoopFailure(_shards[index].Name, index, error));
        }

        if (_options.FailurePolicy == LoopFailurePolicy.StopGroup)
        {
            RequestStop();
        }
    }

    private void ThrowIfFailed()
    {
        var failures = Failures;
        if (failures.Count > 0)
        {
            throw new LoopGroupException(failures);
        }
    }

    private void CheckCanBlock(string operation)
    {
        if (!IsStarted)
        {
            throw new InvalidOperationException($"LoopGroup.{operation}: the group was not started.");
        }

        if (_shards.Any(s => s.Loop.IsOnLoopThread))
        {
            throw new InvalidOperationException($"LoopGroup.{operation} was called on one of the group's own loops, which would wait for itself: call RequestStop there.");
        }
    }

    /// <summary>Posted to a loop by <see cref="RequestStop"/>: cancels its main task, on its thread.</summary>
    private sealed class StopRequest(LoopGroup group, int index)
    {
        public void Run() => group._mains[index]?.Cancel("The loop group is stopping.");
    }
}
