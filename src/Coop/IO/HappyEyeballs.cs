// Happy Eyeballs (RFC 8305), Trio's open_tcp_stream in Coop's structure: connection attempts to a
// name's addresses, started one after another in a task group, each DELAY after the previous one or as
// soon as it fails; the first that connects wins and cancels the rest, whose sockets close (their
// ConnectAsync closes what it opened when canceled). Written on the network seam, so a simulated
// network races the same way in virtual time.
// Corner cases: two attempts that connect in the same pass (the later closes its stream); the caller
// canceled after an attempt won but before the group ended (the winner is aborted, nothing leaks);
// every attempt failed (one SocketException naming each address's error).
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Coop.IO;

internal static class HappyEyeballs
{
    /// <summary>The addresses in the order to try them (RFC 8305, section 4): duplicates dropped, the
    /// families interleaved, starting with the family of the resolver's first answer.</summary>
    public static IReadOnlyList<IPEndPoint> Order(IPAddress[] addresses, int port)
    {
        var distinct = addresses.Distinct().ToList();
        var first = distinct[0].AddressFamily;
        var preferred = new Queue<IPAddress>(distinct.Where(a => a.AddressFamily == first));
        var other = new Queue<IPAddress>(distinct.Where(a => a.AddressFamily != first));
        var ordered = new List<IPEndPoint>(distinct.Count);
        while (preferred.Count > 0 || other.Count > 0)
        {
            if (preferred.TryDequeue(out var p))
            {
                ordered.Add(new IPEndPoint(p, port));
            }

            if (other.TryDequeue(out var o))
            {
                ordered.Add(new IPEndPoint(o, port));
            }
        }

        return ordered;
    }

    public static async Coroutine<SocketStream> ConnectAsync(
        NetworkStack stack, string host, IReadOnlyList<IPEndPoint> targets, SocketOptions options, TimeSpan delay)
    {
        SocketStream? winner = null;
        var errors = new List<(IPEndPoint Target, Exception Error)>();
        CoopEvent? latestEnded = null; // what the body waits on: the latest attempt failed, or some attempt won
        try
        {
            await TaskGroup.Run(async group =>
            {
                foreach (var target in targets)
                {
                    if (winner != null)
                    {
                        break;
                    }

                    var ended = latestEnded = new CoopEvent();
                    group.Start(Attempt(group, target, ended), $"connect to {target}");
                    await CancelScope.MoveOnAfter(delay, _ => Wait(ended));
                }
            });
        }
        catch
        {
            winner?.Abort();
            throw;
        }

        return winner ?? throw Failure(host, targets[0].Port, errors);

        async Coroutine Attempt(TaskGroup group, IPEndPoint target, CoopEvent ended)
        {
            SocketStream stream;
            try
            {
                stream = await stack.ConnectAsync(target, options);
            }
            catch (Exception e) when (e is not CanceledException)
            {
                errors.Add((target, e));
                ended.Set();
                return;
            }

            if (winner != null)
            {
                stream.Abort(); // another attempt connected in the same pass
                return;
            }

            winner = stream;
            group.Cancel();
            latestEnded?.Set();
        }
    }

    private static async Coroutine Wait(CoopEvent ended) => await ended.WaitAsync();

    /// <summary>Every attempt failed: one attempt's error as it was; several, the first socket
    /// error's code with a message naming each address's (any other error is rethrown as it was).</summary>
    private static SocketException Failure(string host, int port, List<(IPEndPoint Target, Exception Error)> errors)
    {
        if (errors.Count == 1 || errors.Find(e => e.Error is SocketException).Error is not SocketException first)
        {
            ExceptionDispatchInfo.Throw(errors[0].Error);
            throw errors[0].Error; // not reached
        }

        var each = string.Join(", ", errors.Select(e => $"{e.Target}: {Describe(e.Error)}"));
        return new SocketException((int)first.SocketErrorCode, $"Could not connect to {host} port {port}: every address failed ({each}).");
    }

    private static string Describe(Exception error) => error is SocketException s ? s.SocketErrorCode.ToString() : error.Message;
}
