// Sample bug 1: a client retries a request that is not idempotent. When the answer is lost after
// the server applied the request (a reset, a crash, a timeout), the retry applies it a second time.
// Fixed: each request carries an id, and the server answers a repeated id with its first answer
// instead of applying it again (an idempotency key).
namespace Coop.Tests.Simulation.Samples;

internal static class RetryDoubleApply
{
    /// <summary>The test: three transfers through a network that resets connections at random bytes.</summary>
    public static async Coroutine Transfers(Testing.Simulation simulation, bool fixedVersion)
    {
        simulation.Faults.Reset = 0.1;
        var bank = new Bank(deduplicates: fixedVersion, simulation.Note);
        simulation.AddHost("bank", bank.ServeAsync);
        var expected = bank.Balance;
        for (var id = 1; id <= 3; id++)
        {
            await TransferAsync(id, amount: 10 * id);
            expected += 10 * id;
        }

        if (bank.Balance != expected)
        {
            throw new InvalidOperationException($"The bank holds {bank.Balance}, not {expected}: a retried transfer was applied twice.");
        }
    }

    /// <summary>The client: asks, and on a broken connection asks again (up to five times).</summary>
    private static async Coroutine<string> TransferAsync(int id, int amount)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Lines.AskAsync("bank", 80, $"transfer {id} {amount}");
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException && attempt < 5)
            {
                await Coroutine.Sleep(0.1); // then retry: the request may or may not have been applied
            }
        }
    }

    /// <summary>The server: "transfer {id} {amount}" adds amount and answers "ok {id} {balance}".</summary>
    private sealed class Bank(bool deduplicates, Action<string> note)
    {
        private readonly Dictionary<string, string> _answers = new();

        public int Balance { get; private set; } = 100;

        public Coroutine ServeAsync() => Network.ServeTcpAsync(HandleAsync, 80);

        private async Coroutine HandleAsync(SocketStream connection)
        {
            try
            {
                var reader = new ByteStreamReader(connection);
                while (await Lines.ReadAsync(reader) is { } request)
                {
                    var parts = request.Split(' ');
                    if (!deduplicates || !_answers.TryGetValue(parts[1], out var answer))
                    {
                        Balance += int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                        answer = $"ok {parts[1]} {Balance}";
                        _answers[parts[1]] = answer;
                        note($"'bank' applied transfer {parts[1]}");
                    }

                    await Lines.SendAsync(connection, answer);
                }
            }
            catch (IOException)
            {
                // the client went away: nothing to answer
            }
        }
    }
}
