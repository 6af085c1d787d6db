// Sample bug 3: leader election by lease. A lock server grants a lease for 3 s from when it receives
// a request; each candidate asks every second and believes it leads until its lease runs out. The
// bug: a candidate counts the lease from when the grant *arrives*. When a partition holds the grant
// for a few seconds, the lease has run out at the server, the other candidate takes it, and when the
// partition heals the first one believes it leads for 3 s more: two leaders. Fixed: count the lease
// from when the request was *sent*, which is never later than the server's count.
using System.Globalization;
using System.Net.Sockets;

namespace Coop.Tests.Simulation.Samples;

internal static class LeaderLease
{
    private const double Lease = 3;

    /// <summary>The test: two candidates for 30 s, through a network with occasional partitions; a
    /// watcher checks ten times a second that at most one believes it leads.</summary>
    public static async Coroutine Election(Testing.Simulation simulation, bool fixedVersion)
    {
        simulation.Faults.Partition = 0.03;
        simulation.Faults.MaxPartition = TimeSpan.FromSeconds(8);
        var server = new LockServer();
        simulation.AddHost("lock", server.ServeAsync);
        var a = new Candidate("a", fixedVersion, simulation.Note);
        var b = new Candidate("b", fixedVersion, simulation.Note);
        simulation.AddHost("a", a.RunAsync);
        simulation.AddHost("b", b.RunAsync);
        var loop = EventLoop.Current;
        while (loop.Time() < 30)
        {
            await Coroutine.Sleep(0.1);
            if (a.BelievesItLeads && b.BelievesItLeads)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"At {loop.Time():0.0} s both 'a' and 'b' believe they hold the lease."));
            }
        }
    }

    /// <summary>A candidate: asks for the lease every second, and believes it leads until it runs out.</summary>
    private sealed class Candidate(string name, bool countFromSend, Action<string> note)
    {
        private double _leadsUntil;

        public bool BelievesItLeads => EventLoop.Current.Time() < _leadsUntil;

        public async Coroutine RunAsync()
        {
            var loop = EventLoop.Current;
            while (true)
            {
                var sent = loop.Time();
                try
                {
                    var answer = await CancelScope.FailAfter(10, _ => Lines.AskAsync("lock", 5000, $"acquire {name}"));
                    if (answer == "granted")
                    {
                        _leadsUntil = (countFromSend ? sent : loop.Time()) + Lease;
                        note(string.Create(CultureInfo.InvariantCulture, $"'{name}' leads until {_leadsUntil:0.000} s"));
                    }
                    else
                    {
                        _leadsUntil = 0;
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or TimeoutException)
                {
                    // no answer: keep believing until the lease runs out
                }

                await Coroutine.Sleep(1);
            }
        }
    }

    /// <summary>The lock server: grants the lease to whoever asks when it is free, expired, or theirs.</summary>
    private sealed class LockServer
    {
        private string? _holder;
        private double _expires;

        public Coroutine ServeAsync() => Network.ServeTcpAsync(HandleAsync, 5000);

        private async Coroutine HandleAsync(SocketStream connection)
        {
            try
            {
                var request = await Lines.ReadAsync(new ByteStreamReader(connection));
                var candidate = request?.Split(' ')[1];
                var now = EventLoop.Current.Time();
                if (candidate != null && (_holder == null || now >= _expires || _holder == candidate))
                {
                    (_holder, _expires) = (candidate, now + Lease);
                    await Lines.SendAsync(connection, "granted");
                }
                else
                {
                    await Lines.SendAsync(connection, $"denied {_holder}");
                }
            }
            catch (IOException)
            {
            }
        }
    }
}
