// Hosts at run time: which host each task belongs to, starting a host's software, crashing and
// restarting it, and ending the run.
// - A task belongs to the host of the task that created it (the loop's TaskCreated hook, through
//   the runner's instrument); a host's software task is put on its host when it is made. Tasks of no
//   host (the test body, callbacks) are the client's. The network reads the calling task's host.
// - A crash is Jepsen's kill -9 seen from the network: the host's tasks are canceled, its connections
//   reset, its listeners and UDP ports closed, all at once; what its dying tasks throw is not a
//   failure of the run. A restart runs the software again, as a new incarnation (Generation): tasks
//   and sockets of an earlier one stay dead.
// - A host's software that fails (not by a crash) fails the run: the test body is canceled and the
//   run fails with SimulatedHostException. At the end of the body every host's tasks are canceled
//   and awaited, so servers that run forever do not count as leaked tasks.
using System.Net.Sockets;

namespace Coop.Testing;

public sealed partial class Simulation
{
    private readonly Dictionary<CoopTask, (SimulatedHost Host, int Generation)> _taskHosts = new();
    private SimulatedHostException? _hostFailure;
    private CoopTask? _main;
    private bool _stopping;

    /// <summary>Crashes the host named <paramref name="name"/> (see <see cref="SimulatedHost.Crash"/>).</summary>
    public void Crash(string name) => Host(name).Crash();

    /// <summary>Restarts the crashed host named <paramref name="name"/> (see <see cref="SimulatedHost.Restart"/>).</summary>
    public void Restart(string name) => Host(name).Restart();

    /// <summary>The host the calling task belongs to; throws if that host crashed since the task began.</summary>
    internal SimulatedHost CallingHost()
    {
        if (CoopTask.Current is { } task && _taskHosts.TryGetValue(task, out var owner))
        {
            if (!owner.Host.IsUp || owner.Generation != owner.Host.Generation)
            {
                throw new SocketException((int)SocketError.NetworkDown); // a task of a crashed incarnation
            }

            return owner.Host;
        }

        return Client;
    }

    /// <summary>The loop made <paramref name="task"/>: it belongs to its creator's host.</summary>
    internal void OnTaskCreated(CoopTask task)
    {
        if (CoopTask.Current is { } creator && _taskHosts.TryGetValue(creator, out var owner))
        {
            _taskHosts[task] = owner;
        }
    }

    /// <summary><paramref name="task"/> ended: a host's software that failed fails the run.</summary>
    internal void OnTaskDone(CoopTask task)
    {
        if (!_taskHosts.Remove(task, out var owner) || task.State != FutureState.Failed)
        {
            return;
        }

        var dead = _stopping || !owner.Host.IsUp || owner.Generation != owner.Host.Generation;
        if (dead)
        {
            _ = task.Exception; // what a crashed host's tasks throw on their way out is not a failure
            return;
        }

        if (task == owner.Host.Task)
        {
            var error = task.Exception!;
            _hostFailure ??= SimulatedHostException.For(owner.Host.Name, error);
            _main?.Cancel($"Host '{owner.Host.Name}' failed: {error.Message}");
        }
    }

    /// <summary>Runs the test body as the client, then stops every host; throws the first host failure.</summary>
    internal async Coroutine RunAsync(Coroutine body)
    {
        _main = CoopTask.Current;
        try
        {
            await body;
        }
        catch (CanceledException) when (_hostFailure != null)
        {
            // the body was canceled because a host failed: that failure is the run's
        }
        finally
        {
            await StopHostsAsync();
        }

        if (_hostFailure != null)
        {
            throw _hostFailure;
        }
    }

    /// <summary>Crashes <paramref name="host"/>; restarts it after <paramref name="downtime"/> if given.</summary>
    internal void Crash(SimulatedHost host, TimeSpan? downtime, string cause)
    {
        CheckLoop(host, raiseCancellation: false);
        if (host == Client)
        {
            throw new InvalidOperationException("The client host runs the test body: it cannot crash. Crash a host you added.");
        }

        if (!host.IsUp)
        {
            throw new InvalidOperationException($"Host '{host.Name}' is down already: restart it before crashing it again.");
        }

        host.IsUp = false;
        host.Crashes++;
        host.Task = null;
        Log($"'{host.Name}' crashed ({cause})");

        // In creation order, so that the wake-ups of the cancellations replay from the seed.
        foreach (var task in Loop.AllTasks())
        {
            if (_taskHosts.TryGetValue(task, out var owner) && owner.Host == host)
            {
                task.Cancel($"Host '{host.Name}' crashed.");
            }
        }

        foreach (var stream in host.Streams.ToArray())
        {
            stream.Kill();
        }

        foreach (var listener in host.Listeners.Values.ToArray())
        {
            listener.Kill();
        }

        foreach (var socket in host.Datagrams.Values.ToArray())
        {
            socket.Kill();
        }

        if (downtime is { } down && !_stopping)
        {
            host.PendingRestart = new RestartEvent(this, host).ScheduleAt(Loop, Loop.Now() + Ticks(down));
        }
    }

    /// <summary>A fault: <paramref name="host"/> crashes as soon as the current step is over.</summary>
    internal void CrashSoon(SimulatedHost host, TimeSpan downtime) =>
        new CrashEvent(this, host, host.Generation, downtime).ScheduleAt(Loop, Loop.Now());

    /// <summary>A fault: <paramref name="host"/> crashes now, if it still runs incarnation <paramref name="generation"/>.</summary>
    internal void CrashNow(SimulatedHost host, int generation, TimeSpan downtime)
    {
        if (host.IsUp && host.Generation == generation && !_stopping)
        {
            Crash(host, downtime, "a fault");
        }
    }

    internal void Restart(SimulatedHost host)
    {
        CheckLoop(host, raiseCancellation: false);
        if (host.IsUp)
        {
            throw new InvalidOperationException($"Host '{host.Name}' is up: only a crashed host restarts.");
        }

        host.PendingRestart?.Cancel();
        host.PendingRestart = null;
        host.IsUp = true;
        Log($"'{host.Name}' restarted");
        if (host.Software != null)
        {
            Start(host);
        }
        else
        {
            host.Generation++;
        }
    }

    private void Start(SimulatedHost host)
    {
        host.Generation++;
        var task = Loop.CreateTask(host.Software!() ?? throw new InvalidOperationException($"The software of host '{host.Name}' returned null instead of a coroutine."), host.Name);
        _taskHosts[task] = (host, host.Generation);
        host.Task = task;
    }

    private async Coroutine StopHostsAsync()
    {
        _stopping = true;
        foreach (var host in _hosts)
        {
            host.PendingRestart?.Cancel();
            host.PendingRestart = null;
        }

        var running = new List<CoopTask>();
        foreach (var task in Loop.AllTasks())
        {
            if (_taskHosts.TryGetValue(task, out var owner) && owner.Host != Client)
            {
                running.Add(task);
                task.Cancel("The simulation ended.");
            }
        }

        foreach (var task in running)
        {
            try
            {
                await task;
            }
            catch (Exception ex) when (ex is not LoopInternalException)
            {
                // a host's task ending as the run ends: canceled, or whatever its cleanup threw
            }
        }
    }

    private sealed class CrashEvent(Simulation simulation, SimulatedHost host, int generation, TimeSpan downtime) : NetworkEvent
    {
        public override void Fire() => simulation.CrashNow(host, generation, downtime);
    }

    private sealed class RestartEvent(Simulation simulation, SimulatedHost host) : NetworkEvent
    {
        public override void Fire()
        {
            host.PendingRestart = null;
            if (!host.IsUp && !simulation._stopping)
            {
                simulation.Restart(host);
            }
        }
    }
}
