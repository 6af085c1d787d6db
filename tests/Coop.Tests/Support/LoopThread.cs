namespace Coop.Tests.Support;

/// <summary>An event loop running forever on a thread of its own, as a server runs one, so that a test
/// can call into it from other threads. Dispose stops it (through the inbox), waits for the thread
/// and closes the loop; a loop that does not stop within the bound fails the test.</summary>
public sealed class LoopThread : IDisposable
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _running = new();
    private Exception? _error;

    public LoopThread(EventLoop? loop = null)
    {
        Loop = loop ?? new EventLoop();
        _thread = new Thread(() =>
        {
            try
            {
                Loop.CallSoon(_running.Set);
                Loop.RunForever();
            }
            catch (Exception ex)
            {
                _error = ex;
            }
        })
        { IsBackground = true, Name = "loop thread" };
        _thread.Start();
        if (!_running.Wait(Bounded.DefaultLimit))
        {
            throw new TimeoutException("The loop thread did not start running.");
        }

        ThreadId = _thread.ManagedThreadId;
    }

    public EventLoop Loop { get; }

    public int ThreadId { get; }

    /// <summary>Stops the loop and waits for its thread; leaves the loop open.</summary>
    public void Stop()
    {
        if (_thread.IsAlive)
        {
            Loop.CallSoonThreadsafe(Loop.Stop);
        }

        Join();
    }

    /// <summary>Waits for the loop's thread to end (after something stopped the loop).</summary>
    public void Join()
    {
        if (!_thread.Join(Bounded.DefaultLimit))
        {
            Assert.Fail($"The loop thread did not stop within {Bounded.DefaultLimit.TotalSeconds} s.");
        }

        if (_error != null)
        {
            throw new InvalidOperationException("The loop thread failed.", _error);
        }
    }

    public void Dispose()
    {
        if (!Loop.IsClosed)
        {
            Stop();
            Loop.Close();
        }

        _running.Dispose();
    }
}
