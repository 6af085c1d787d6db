#:project ../src/Coop/Coop.csproj
// 14: a sharded key-value server on a loop group. Each loop owns one shard of the keys (a plain
// Dictionary: only its loop touches it, so no lock). A connection lands on any loop; a request for a
// key of another shard is forwarded to that shard's loop through a cross-loop channel, and the answer
// comes back through the asking loop's reply channel. The program serves, runs a client against it,
// and stops.
// Run: dotnet run examples/14-sharded-kv.cs
using System.Net;
using System.Net.Sockets;
using System.Text;
using Coop;

const int Loops = 2;
var port = FreePort();

// One request channel and one reply channel per loop; every loop gets a sender to every other.
var requests = Enumerable.Range(0, Loops).Select(_ => CrossLoopChannel.Create<Request>(64)).ToArray();
var replies = Enumerable.Range(0, Loops).Select(_ => CrossLoopChannel.Create<Reply>(64)).ToArray();

using var group = new LoopGroup(new LoopGroupOptions { LoopCount = Loops, Name = "shard" });
group.Start(shard => RunShard(shard));

var answers = AskEverything(port);
group.Shutdown(TimeSpan.FromSeconds(10));
foreach (var answer in answers)
{
    Console.WriteLine(answer);
}

async Coroutine RunShard(LoopShard shard)
{
    var data = new Dictionary<string, string>();
    var toShard = requests.Select((channel, i) => i == 0 ? channel.Sender : channel.Sender.Clone()).ToArray();
    var toAsker = replies.Select(channel => channel.Sender.Clone()).ToArray();
    await TaskGroup.Run(async tasks =>
    {
        // Requests forwarded from other loops: answered from this shard, sent back to the asker.
        tasks.Start(Forwarded());
        // Replies to what this loop forwarded: each completes the future its connection waits on.
        tasks.Start(Answers());
        await shard.ServeTcpAsync(Serve, port, "127.0.0.1");
    });

    async Coroutine Forwarded()
    {
        var inbox = requests[shard.Index].Receiver;
        while (true)
        {
            var request = await inbox.ReceiveAsync();
            await toAsker[request.From].SendAsync(new Reply(request.Pending, Apply(request.Command)));
        }
    }

    async Coroutine Answers()
    {
        var inbox = replies[shard.Index].Receiver;
        while (true)
        {
            var reply = await inbox.ReceiveAsync();
            reply.Pending.TrySetResult(reply.Value); // on this loop, which made the future
        }
    }

    async Coroutine Serve(SocketStream stream)
    {
        var reader = new ByteStreamReader(stream);
        while (await reader.ReadLineAsync() is { Length: > 0 } bytes)
        {
            var line = Encoding.UTF8.GetString(bytes).TrimEnd('\n');
            var owner = OwnerOf(line.Split(' ')[1]);
            string answer;
            if (owner == shard.Index)
            {
                answer = Apply(line);
            }
            else
            {
                var pending = shard.Loop.CreateFuture<string>();
                await toShard[owner].SendAsync(new Request(line, shard.Index, pending));
                answer = await pending;
            }

            await stream.SendAllAsync(Encoding.UTF8.GetBytes($"{answer} (connection on {shard.Name}, key on shard-{owner})\n"));
        }
    }

    string Apply(string command)
    {
        var parts = command.Split(' ', 3);
        if (parts[0] == "SET")
        {
            data[parts[1]] = parts[2];
            return "OK";
        }

        return data.TryGetValue(parts[1], out var value) ? value : "(none)";
    }
}

static int OwnerOf(string key) => key.Sum(c => c) % Loops; // a stable hash: the same shard every run

static List<string> AskEverything(int port)
{
    using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
    for (var attempt = 0; ; attempt++)
    {
        try
        {
            client.Connect(IPAddress.Loopback, port);
            break;
        }
        catch (SocketException) when (attempt < 100)
        {
            Thread.Sleep(20); // the loops are still opening their listeners
        }
    }

    using var stream = new NetworkStream(client);
    using var reader = new StreamReader(stream);
    var answers = new List<string>();
    foreach (var command in new[] { "SET apple red", "SET banana yellow", "SET cherry dark", "GET apple", "GET banana", "GET cherry", "GET durian" })
    {
        stream.Write(Encoding.UTF8.GetBytes(command + "\n"));
        answers.Add($"{command,-18} -> {reader.ReadLine()}");
    }

    return answers;
}

static int FreePort()
{
    using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)probe.LocalEndPoint!).Port;
}

sealed record Request(string Command, int From, Future<string> Pending);

sealed record Reply(Future<string> Pending, string Value);
