// One TCP connect on the simulated network, as a small state machine of three events:
//   SYN arrives at the server's host -> (listener there, backlog not full) both ends are made and the
//     server end waits in the backlog; else the answer is "refused";
//   the answer arrives back at the client -> the connect completes, or fails refused;
//   the connect timeout fires first -> it fails with TimedOut.
// A partition or hold between the hosts stops the SYN or the answer until it ends (TCP resends).
// States: Pending -> Established | Refused | TimedOut | Abandoned (the caller left: canceled, or it
// gave up). An answer that arrives for an abandoned connect resets the connection it made, as a
// kernel resets a connection whose socket was closed.
namespace Coop.Testing;

internal sealed class ConnectAttempt(Simulation simulation, SimulatedHost from, SimulatedHost? to, int port, string name)
{
    private Future? _wait;
    private Handle? _timeout;
    private SimulatedStream? _client;

    public ConnectOutcome Outcome { get; private set; }

    /// <summary>The client end, once established.</summary>
    public SimulatedStream? Stream => Outcome == ConnectOutcome.Established ? _client : null;

    /// <summary>Starts it: the SYN leaves now (or the fault "refused" answers after a round trip; an
    /// address no host has never answers, and the connect times out).</summary>
    public void Start(bool refuse)
    {
        _timeout = new TimeoutEvent(this).ScheduleAt(simulation.Loop, simulation.Loop.Now() + simulation.Ticks(simulation.Network.ConnectTimeout));
        if (to == null)
        {
            return;
        }

        if (refuse)
        {
            new AnswerEvent(this, established: false).ScheduleAt(simulation.Loop, simulation.Loop.Now() + (2 * simulation.Ticks(simulation.Network.Latency)));
            return;
        }

        new SynEvent(this).ScheduleAt(simulation.Loop, simulation.DueAfterLatency());
    }

    /// <summary>Waits until the outcome is known ("wake, then look").</summary>
    public async Coroutine WaitAsync()
    {
        while (Outcome == ConnectOutcome.Pending)
        {
            _wait = simulation.NewWait();
            await _wait;
        }
    }

    /// <summary>The caller left before taking the connection: whatever it made is reset.</summary>
    public void Abandon()
    {
        if (Outcome is ConnectOutcome.Pending or ConnectOutcome.Established)
        {
            Outcome = ConnectOutcome.Abandoned;
            _timeout?.Cancel();
            _client?.Abort();
        }
    }

    private void Finish(ConnectOutcome outcome)
    {
        Outcome = outcome;
        _timeout?.Cancel();
        var waiter = _wait;
        _wait = null;
        waiter?.TrySetResultObject(null);
    }

    private void OnSyn()
    {
        if (Outcome != ConnectOutcome.Pending)
        {
            return; // abandoned or timed out before the SYN arrived: nothing is made
        }

        if (simulation.IsBlocked(from, to!))
        {
            simulation.WhenLinkOpens(from, to!, () => new SynEvent(this).ScheduleAt(simulation.Loop, simulation.DueAfterLatency()));
            return;
        }

        var established = false;
        if (to!.IsUp && to.Listeners.TryGetValue(port, out var listener))
        {
            var (client, server) = simulation.NewConnection(from, to, port, name);
            if (listener.TryQueue(server))
            {
                _client = client;
                established = true;
            }
            else
            {
                client.Kill(); // the backlog is full: refused, and the ends made for it are gone
                server.Kill();
            }
        }

        new AnswerEvent(this, established).ScheduleAt(simulation.Loop, simulation.DueAfterLatency());
    }

    private void OnAnswer(bool established)
    {
        if (to != null && simulation.IsBlocked(to, from))
        {
            simulation.WhenLinkOpens(to, from, () => new AnswerEvent(this, established).ScheduleAt(simulation.Loop, simulation.DueAfterLatency()));
            return;
        }

        if (Outcome != ConnectOutcome.Pending)
        {
            _client?.Abort(); // nobody waits for it any more: the server end sees a reset
            return;
        }

        Finish(established ? ConnectOutcome.Established : ConnectOutcome.Refused);
    }

    private sealed class SynEvent(ConnectAttempt attempt) : NetworkEvent
    {
        public override void Fire() => attempt.OnSyn();
    }

    private sealed class AnswerEvent(ConnectAttempt attempt, bool established) : NetworkEvent
    {
        public override void Fire() => attempt.OnAnswer(established);
    }

    private sealed class TimeoutEvent(ConnectAttempt attempt) : NetworkEvent
    {
        public override void Fire()
        {
            if (attempt.Outcome == ConnectOutcome.Pending)
            {
                attempt.Finish(ConnectOutcome.TimedOut);
            }
        }
    }
}

internal enum ConnectOutcome : byte
{
    Pending,
    Established,
    Refused,
    TimedOut,
    Abandoned,
}
