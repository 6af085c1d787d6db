// Sample bug 5, a race of timing: a client caches an access token and uses it while it has not
// expired. But a request takes time to reach the server, and a token checked a moment before it
// expires arrives expired. Every event here happens at a distinct instant, so exploring the order
// of what is ready at the same instant never finds it: the requests must come at other times than
// the test wrote. Timing fuzz (ExploreOptions.TimingFuzz) moves them, and finds it; shrinking keeps
// the one moved request that matters. Fixed: refresh the token while it still has more life left
// than a request takes (a margin).
using System.Globalization;

namespace Coop.Tests.Simulation.Samples;

internal static class TokenRefresh
{
    private const double Lifetime = 10;

    /// <summary>The test: twenty users, one every 1.5 s, each calls the API with a token from the cache.</summary>
    public static async Coroutine Requests(Testing.Simulation simulation, bool fixedVersion)
    {
        simulation.Network.Latency = TimeSpan.FromMilliseconds(100);
        var authority = new TokenAuthority();
        simulation.AddHost("auth", authority.ServeIssuingAsync);
        simulation.AddHost("api", authority.ServeCheckingAsync);
        var cache = new TokenCache(margin: fixedVersion ? 1 : 0);
        var loop = EventLoop.Current;
        var users = Enumerable.Range(1, 20).Select(i => loop.CreateTask(UserAsync(cache, i), $"user {i}")).ToList();
        foreach (var user in users)
        {
            await user;
        }
    }

    private static async Coroutine UserAsync(TokenCache cache, int user)
    {
        await Coroutine.Sleep(1.5 * user);
        var token = await cache.GetAsync();
        var answer = await Lines.AskAsync("api", 443, $"call {token}");
        if (answer != "ok")
        {
            throw new InvalidOperationException($"The API rejected user {user}'s request: \"{answer}\" (its token expired on the way).");
        }
    }

    /// <summary>The client's cache: a token is reused while it has more than <paramref name="margin"/>
    /// seconds left.</summary>
    private sealed class TokenCache(double margin)
    {
        private string? _token;
        private double _expires;

        public async Coroutine<string> GetAsync()
        {
            if (_token == null || EventLoop.Current.Time() >= _expires - margin)
            {
                var answer = (await Lines.AskAsync("auth", 443, "token")).Split(' '); // "token t1 11.9"
                (_token, _expires) = (answer[1], double.Parse(answer[2], CultureInfo.InvariantCulture));
            }

            return _token;
        }
    }

    /// <summary>The token service, behind two hosts: 'auth' issues tokens valid for 10 s, 'api'
    /// accepts a call whose token has not expired when the call arrives.</summary>
    private sealed class TokenAuthority
    {
        private readonly Dictionary<string, double> _expiry = new();

        public Coroutine ServeIssuingAsync() => Network.ServeTcpAsync(IssueAsync, 443);

        public Coroutine ServeCheckingAsync() => Network.ServeTcpAsync(CheckAsync, 443);

        private async Coroutine IssueAsync(SocketStream connection)
        {
            await Lines.ReadAsync(new ByteStreamReader(connection));
            var token = $"t{_expiry.Count + 1}";
            _expiry[token] = EventLoop.Current.Time() + Lifetime;
            await Lines.SendAsync(connection, string.Create(CultureInfo.InvariantCulture, $"token {token} {_expiry[token]}"));
        }

        private async Coroutine CheckAsync(SocketStream connection)
        {
            var call = (await Lines.ReadAsync(new ByteStreamReader(connection)))?.Split(' ');
            var valid = call is ["call", var token] && EventLoop.Current.Time() < _expiry.GetValueOrDefault(token);
            await Lines.SendAsync(connection, valid ? "ok" : "expired");
        }
    }
}
