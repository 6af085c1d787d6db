// Sample bug 4: a cache in front of a database keeps its entries on its disk, so that it restarts
// warm. The database invalidates the cache's copy when a value changes, once, and shrugs off a cache
// that does not answer. If the cache crashes as an invalidation arrives, the invalidation is lost;
// the cache restarts with the old value on its disk and serves it. Fixed: a cache that restarts
// cannot know what it missed while it was down, so it starts cold.
using System.Net.Sockets;

namespace Coop.Tests.Simulation.Samples;

internal static class StaleCache
{
    /// <summary>The test: three rounds of "set a key in the database, read it through the cache",
    /// while the cache sometimes crashes as a message reaches it (and restarts within a second).</summary>
    public static async Coroutine WritesThenReads(Testing.Simulation simulation, bool fixedVersion)
    {
        simulation.Faults.ReceiverCrash = 0.15;
        simulation.Faults.MaxDowntime = TimeSpan.FromSeconds(1);
        var disk = new Dictionary<string, string>(); // the cache's disk: it outlives the cache's crashes
        var database = new Database(simulation.Note);
        simulation.AddHost("db", database.ServeAsync).CanCrash = false;
        simulation.AddHost("cache", () => new Cache(disk, startCold: fixedVersion, simulation.Note).ServeAsync());
        for (var round = 1; round <= 3; round++)
        {
            foreach (var key in new[] { "x", "y" })
            {
                var value = $"{key}{round}";
                await RetryingAsync("db", 5432, $"set {key} {value}");
                var read = await RetryingAsync("cache", 6379, $"get {key}");
                if (read != $"value {value}")
                {
                    throw new InvalidOperationException($"Read {key} through the cache after setting it to {value}: got \"{read}\", a stale value.");
                }
            }
        }
    }

    /// <summary>Asks until an answer comes (a crashed cache refuses connections while it is down).</summary>
    private static async Coroutine<string> RetryingAsync(string host, int port, string request)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Lines.AskAsync(host, port, request);
            }
            catch (Exception e) when (e is IOException or SocketException && attempt < 20)
            {
                await Coroutine.Sleep(0.25);
            }
        }
    }

    /// <summary>The database: "set k v" stores and invalidates the cache's copy (once, best effort);
    /// "get k" answers "value v".</summary>
    private sealed class Database(Action<string> note)
    {
        private readonly Dictionary<string, string> _values = new();

        public Coroutine ServeAsync() => Network.ServeTcpAsync(HandleAsync, 5432);

        private async Coroutine HandleAsync(SocketStream connection)
        {
            try
            {
                var request = (await Lines.ReadAsync(new ByteStreamReader(connection)))?.Split(' ');
                if (request is ["set", var key, var value])
                {
                    _values[key] = value;
                    try
                    {
                        await Lines.AskAsync("cache", 6379, $"invalidate {key}");
                    }
                    catch (Exception e) when (e is IOException or SocketException)
                    {
                        note($"'db' could not invalidate {key} in the cache");
                    }

                    await Lines.SendAsync(connection, "ok");
                }
                else if (request is ["get", var wanted])
                {
                    await Lines.SendAsync(connection, $"value {_values.GetValueOrDefault(wanted, "")}");
                }
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The cache: "get k" from its disk, or from the database (then kept); "invalidate k"
    /// forgets k.</summary>
    private sealed class Cache(Dictionary<string, string> disk, bool startCold, Action<string> note)
    {
        public Coroutine ServeAsync()
        {
            if (startCold)
            {
                disk.Clear();
            }

            note($"'cache' starts with {disk.Count} entries on its disk");
            return Network.ServeTcpAsync(HandleAsync, 6379);
        }

        private async Coroutine HandleAsync(SocketStream connection)
        {
            try
            {
                var request = (await Lines.ReadAsync(new ByteStreamReader(connection)))?.Split(' ');
                if (request is ["get", var key])
                {
                    if (!disk.TryGetValue(key, out var answer))
                    {
                        answer = await Lines.AskAsync("db", 5432, $"get {key}");
                        disk[key] = answer;
                    }

                    await Lines.SendAsync(connection, answer);
                }
                else if (request is ["invalidate", var stale])
                {
                    disk.Remove(stale);
                    await Lines.SendAsync(connection, "ok");
                }
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
            }
        }
    }
}
