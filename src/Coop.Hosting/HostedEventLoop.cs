// The host's event loop: a Coop EventLoop running forever on a thread of its own, started with the
// host and stopped with it. The host's threads talk to it only through the inbox (CallSoonThreadsafe,
// InvokeAsync); everything else here runs on the loop thread.
//
// Life: StartAsync starts the thread, which starts one task per HostedCoroutine and runs the loop;
// StartAsync returns once the loop runs. StopAsync asks the loop to shut down gracefully: a shutdown
// task cancels every other task (hosted coroutines, InvokeAsync calls, whatever they started) and
// waits until they have all ended, their finally blocks included, again for tasks started meanwhile;
// then it stops the loop, and the thread closes it. If the host's shutdown timeout (the token given to
// StopAsync) passes first, the loop is stopped with the stragglers still pending, and that is logged.
//
// Discussion: a dedicated thread, not a thread-pool work item, because the loop blocks its thread
// while it waits for timers and posts, for the whole life of the host. A hosted coroutine that fails
// stops the application (BackgroundService's default since .NET 6): an error must go somewhere, and
// a server missing one of its loops is not one anybody asked for.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coop.Hosting;

/// <summary>Runs an <see cref="EventLoop"/> on its own thread for the lifetime of a host, with the
/// <see cref="HostedCoroutine"/>s registered; registered by <c>services.AddCoopEventLoop()</c>.</summary>
/// <remarks>Stopping the host cancels every task on the loop and waits for them to end (their
/// <c>finally</c> blocks run), within the host's shutdown timeout; then the loop stops and is closed.
/// Code on other threads calls into the loop with
/// <see cref="EventLoop.InvokeAsync{T}(Func{Coroutine{T}}, CancellationToken)"/>.</remarks>
public sealed partial class HostedEventLoop : IHostedService, IDisposable
{
    private readonly List<HostedCoroutine> _coroutines;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new(); // StartAsync, StopAsync and Dispose may race on the host's threads
    private Thread? _thread;
    private bool _stopRequested;
    private bool _shuttingDown; // loop thread only: hosted coroutines canceled now are canceled by the host
    private volatile int _pendingAtTimeout; // written by the shutdown task, read if the timeout passes

    /// <summary>Creates the loop (not yet running) and remembers what it will run.</summary>
    /// <param name="coroutines">The coroutines to start as tasks when the loop starts.</param>
    /// <param name="loggerFactory">Where the loop and this host report (categories <c>Coop.EventLoop</c>
    /// and <c>Coop.Hosting.HostedEventLoop</c>); nowhere if null.</param>
    /// <param name="timeProvider">The loop's clock; the system clock if null.</param>
    /// <param name="lifetime">Stopped when a hosted coroutine fails or the loop itself fails; may be null.</param>
    public HostedEventLoop(
        IEnumerable<HostedCoroutine> coroutines,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IHostApplicationLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        _coroutines = coroutines.ToList();
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<HostedEventLoop>();
        _lifetime = lifetime;
        Loop = new EventLoop(timeProvider, loggerFactory.CreateLogger("Coop.EventLoop"));
    }

    /// <summary>The loop. From other threads, use only its thread-safe calls:
    /// <see cref="EventLoop.InvokeAsync{T}(Func{Coroutine{T}}, CancellationToken)"/> and
    /// <see cref="EventLoop.CallSoonThreadsafe(Action)"/>.</summary>
    public EventLoop Loop { get; }

    /// <summary>Starts the loop's thread and returns once the loop runs.</summary>
    /// <param name="cancellationToken">Abandons the wait for the loop to start (the host's start timeout).</param>
    /// <exception cref="InvalidOperationException">It was started before.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_thread != null)
            {
                throw new InvalidOperationException("This HostedEventLoop was started already: a loop runs once.");
            }

            _thread = new Thread(RunLoop) { IsBackground = true, Name = "Coop event loop" };
            _thread.Start();
        }

        try
        {
            await _running.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_running.Task.IsCompletedSuccessfully)
        {
            // The host cancels its start when the application stops, as a hosted coroutine that failed
            // at once asks: the loop did start, and the failure is logged and stops the host.
        }

        Log.Running(_logger, _thread.ManagedThreadId, _coroutines.Count);
    }

    /// <summary>Cancels every task on the loop, waits for them to end, then stops and closes the loop.
    /// Returns early, leaving the loop stopped with the tasks that did not end, if
    /// <paramref name="cancellationToken"/> (the host's shutdown timeout) is canceled first.</summary>
    /// <param name="cancellationToken">The host's shutdown timeout.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!RequestStop(Shutdown))
        {
            return;
        }

        try
        {
            await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.ShutdownTimedOut(_logger, _pendingAtTimeout);
            Post(Loop.Stop);
        }
    }

    /// <summary>Stops the loop if it still runs (without waiting for its tasks); the loop's thread
    /// closes it.</summary>
    public void Dispose() => RequestStop(Loop.Stop);

    /// <summary>Posts <paramref name="stop"/> once; false if the loop never started.</summary>
    private bool RequestStop(Action stop)
    {
        lock (_gate)
        {
            if (_thread == null)
            {
                return false;
            }

            if (!_stopRequested)
            {
                _stopRequested = true;
                Post(stop);
            }

            return true;
        }
    }

    /// <summary>Posts to the loop unless it has closed already (it ended by itself: nothing to stop).</summary>
    private void Post(Action action)
    {
        if (!Loop.IsClosed)
        {
            try
            {
                Loop.CallSoonThreadsafe(action);
            }
            catch (InvalidOperationException) when (Loop.IsClosed)
            {
                // closed between the check and the post: the loop has ended already
            }
        }
    }

    private void RunLoop()
    {
        try
        {
            // Running is signalled ahead of the coroutines' first steps: one that fails at once stops
            // the application, and StartAsync must see a loop that started, not a start cut short.
            Loop.CallSoon(() => _running.TrySetResult());
            foreach (var coroutine in _coroutines)
            {
                Loop.CreateTask(RunHosted(coroutine), coroutine.GetType().Name);
            }

            Loop.RunForever();
        }
#pragma warning disable CA1031 // the loop's own failure is logged and stops the application: it must not vanish with its thread
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.LoopFailed(_logger, e);
            _running.TrySetException(e);
            _lifetime?.StopApplication();
        }
        finally
        {
            Loop.Close();
            _ended.TrySetResult();
        }
    }

    private async Coroutine RunHosted(HostedCoroutine coroutine)
    {
        var name = coroutine.GetType().Name;
        try
        {
            await (coroutine.RunAsync() ?? throw new InvalidOperationException($"{name}.RunAsync returned null instead of a coroutine."));
            Log.CoroutineEnded(_logger, name);
        }
        catch (CanceledException) when (_shuttingDown)
        {
            throw; // canceled by the shutdown, as asked: the task ends canceled
        }
#pragma warning disable CA1031 // a hosted coroutine's failure is logged and stops the application
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.CoroutineFailed(_logger, name, e);
            _lifetime?.StopApplication();
        }
    }

    private void Shutdown()
    {
        _shuttingDown = true;
        Loop.CreateTask(DrainTasks(), "shutdown");
    }

    /// <summary>Cancels every other task and waits for all to end, again while ending ones start
    /// new ones; then stops the loop.</summary>
    private async Coroutine DrainTasks()
    {
        var self = CoopTask.Current;
        while (true)
        {
            var others = Loop.AllTasks().Where(t => t != self).ToList();
            _pendingAtTimeout = others.Count;
            if (others.Count == 0)
            {
                break;
            }

            foreach (var task in others)
            {
                task.Cancel("The host is stopping.");
            }

            await Coroutine.Wait(others);
        }

        Log.Drained(_logger);
        Loop.Stop();
    }

    /// <summary>What this host logs, as source-generated LoggerMessage methods.</summary>
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Coop event loop running on thread {ThreadId} with {Count} hosted coroutine(s).")]
        public static partial void Running(ILogger logger, int threadId, int count);

        [LoggerMessage(2, LogLevel.Information, "Hosted coroutine {Name} ended.")]
        public static partial void CoroutineEnded(ILogger logger, string name);

        [LoggerMessage(3, LogLevel.Error, "Hosted coroutine {Name} failed; stopping the application.")]
        public static partial void CoroutineFailed(ILogger logger, string name, Exception exception);

        [LoggerMessage(4, LogLevel.Information, "Coop event loop: every task has ended; stopping.")]
        public static partial void Drained(ILogger logger);

        [LoggerMessage(5, LogLevel.Warning, "Coop event loop: {Count} task(s) had not ended when the host's shutdown timeout passed; the loop is stopped with them pending.")]
        public static partial void ShutdownTimedOut(ILogger logger, int count);

        [LoggerMessage(6, LogLevel.Critical, "Coop event loop failed; stopping the application.")]
        public static partial void LoopFailed(ILogger logger, Exception exception);
    }
}
