// The table of calls that block the thread they run on, and what a coroutine should use instead.
// Matched by the member's containing type (or a base of the receiver: WaitOne is declared on
// WaitHandle); stream reads and writes only where the receiver's static type says the stream does
// real I/O (a FileStream, NetworkStream, PipeStream or SslStream: a plain Stream may be a MemoryStream).
namespace Coop.Analyzers;

/// <summary>One group of blocking members of one type, and the advice and fix for them.</summary>
public sealed class BlockingApi
{
    private const string ToThread = "or run it on the thread pool with Coroutine.ToThread(...)";

    private BlockingApi(string typeName, string[] members, BlockingFix fix, string advice)
        : this([typeName], members, fix, advice)
    {
    }

    private BlockingApi(string[] typeNames, string[] members, BlockingFix fix, string advice, bool onIoStreamsOnly = false)
    {
        TypeNames = typeNames;
        Members = members;
        Fix = fix;
        Advice = advice;
        OnIoStreamsOnly = onIoStreamsOnly;
    }

    /// <summary>The metadata names of the types that declare the members.</summary>
    public IReadOnlyList<string> TypeNames { get; }

    /// <summary>The member names (methods, or the <c>Result</c> property).</summary>
    public IReadOnlyList<string> Members { get; }

    /// <summary>The rewrite a code fix makes.</summary>
    public BlockingFix Fix { get; }

    /// <summary>What to use instead, for the message.</summary>
    public string Advice { get; }

    /// <summary>True when the call blocks only on a stream that does real I/O (<see cref="IoStreamTypes"/>).</summary>
    public bool OnIoStreamsOnly { get; }

    /// <summary>Stream types whose reads and writes are real I/O.</summary>
    public static IReadOnlyList<string> IoStreamTypes { get; } =
    [
        "System.IO.FileStream",
        "System.Net.Sockets.NetworkStream",
        "System.IO.Pipes.PipeStream",
        "System.Net.Security.AuthenticatedStream",
    ];

    /// <summary>Every blocking member Coop knows, by containing type.</summary>
    public static IReadOnlyList<BlockingApi> All { get; } =
    [
        new("System.Threading.Thread", ["Sleep"], BlockingFix.Sleep,
            "Use Coroutine.Sleep(seconds): it parks the task, not the thread"),
        new("System.Threading.Thread", ["Join"], BlockingFix.None,
            "Run the work with Coroutine.ToThread(...) and await its future instead of joining a thread"),
        new("System.Threading.Tasks.Task", ["Wait"], BlockingFix.AwaitTask,
            "Await the task instead: await Coroutine.FromTask(task)"),
        new("System.Threading.Tasks.Task", ["WaitAll"], BlockingFix.WhenAll,
            "Await them instead: await Coroutine.FromTask(Task.WhenAll(...))"),
        new("System.Threading.Tasks.Task", ["WaitAny"], BlockingFix.None,
            "Await Coroutine.FromTask(Task.WhenAny(...)) instead, or Coroutine.Wait(futures, WaitMode.FirstCompleted)"),
        new("System.Threading.Tasks.Task`1", ["Result"], BlockingFix.AwaitTask,
            "Await the task instead: await Coroutine.FromTask(task)"),
        new("System.Threading.Tasks.ValueTask`1", ["Result"], BlockingFix.AwaitTask,
            "Await the task instead: await Coroutine.FromTask(task.AsTask())"),
        new(
            [
                "System.Runtime.CompilerServices.TaskAwaiter",
                "System.Runtime.CompilerServices.TaskAwaiter`1",
                "System.Runtime.CompilerServices.ValueTaskAwaiter",
                "System.Runtime.CompilerServices.ValueTaskAwaiter`1",
                "System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter",
                "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter",
                "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter",
                "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter",
            ],
            ["GetResult"],
            BlockingFix.AwaitTask,
            "Await the task instead: await Coroutine.FromTask(task)"),
        new(
            ["System.IO.Stream"],
            ["Read", "Write", "ReadByte", "WriteByte", "ReadExactly", "ReadAtLeast", "CopyTo", "Flush"],
            BlockingFix.AsyncCounterpart,
            "Use its Async form through Coroutine.FromTask(token => stream.ReadAsync(buffer, offset, count, token)), " + ToThread,
            onIoStreamsOnly: true),
        new("System.IO.File",
            ["ReadAllText", "ReadAllBytes", "ReadAllLines", "ReadLines", "WriteAllText", "WriteAllBytes", "WriteAllLines", "AppendAllText", "AppendAllLines"],
            BlockingFix.AsyncCounterpart,
            "Use its Async form through Coroutine.FromTask(token => File.ReadAllTextAsync(path, token)), " + ToThread),
        new("System.Console", ["ReadLine", "Read", "ReadKey"], BlockingFix.None,
            "Read the console on the thread pool: await Coroutine.ToThread(Console.ReadLine)"),
        new("System.Net.Dns", ["GetHostEntry", "GetHostAddresses"], BlockingFix.AsyncCounterpart,
            "Use its Async form through Coroutine.FromTask(token => Dns.GetHostAddressesAsync(host, token))"),
        new("System.Net.Sockets.Socket",
            ["Accept", "Connect", "Disconnect", "Receive", "ReceiveFrom", "ReceiveMessageFrom", "Send", "SendTo", "SendFile", "Select"],
            BlockingFix.AsyncCounterpart,
            "Use its Async form through Coroutine.FromTask(token => socket.ReceiveAsync(buffer, token).AsTask()), " + ToThread),
        new("System.Net.Sockets.TcpClient", ["Connect"], BlockingFix.AsyncCounterpart,
            "Use ConnectAsync through Coroutine.FromTask(token => client.ConnectAsync(host, port, token).AsTask())"),
        new("System.Net.Sockets.TcpListener", ["AcceptSocket", "AcceptTcpClient"], BlockingFix.AsyncCounterpart,
            "Use its Async form through Coroutine.FromTask(token => listener.AcceptTcpClientAsync(token).AsTask())"),
        new("System.Net.Sockets.UdpClient", ["Receive", "Send"], BlockingFix.AsyncCounterpart,
            "Use its Async form through Coroutine.FromTask(token => udp.ReceiveAsync(token).AsTask())"),
        new("System.Net.Http.HttpClient", ["Send"], BlockingFix.AsyncCounterpart,
            "Use SendAsync through Coroutine.FromTask(token => http.SendAsync(request, token))"),
        new("System.Diagnostics.Process", ["WaitForExit"], BlockingFix.AsyncCounterpart,
            "Use WaitForExitAsync through Coroutine.FromTask(token => process.WaitForExitAsync(token))"),
        new("System.Threading.WaitHandle", ["WaitOne", "WaitAll", "WaitAny", "SignalAndWait"], BlockingFix.None,
            "Wait on a Coop primitive instead (CoopEvent, CoopSemaphore, CoopLock), which parks the task, " + ToThread),
        new("System.Threading.SemaphoreSlim", ["Wait"], BlockingFix.None,
            "Use CoopSemaphore or CoopLock, which park the task, or WaitAsync through Coroutine.FromTask"),
        new("System.Threading.ManualResetEventSlim", ["Wait"], BlockingFix.None,
            "Use CoopEvent, which parks the task, " + ToThread),
        new("System.Threading.CountdownEvent", ["Wait"], BlockingFix.None,
            "Wait on a Coop primitive instead (CoopEvent, CoopBarrier), " + ToThread),
        new("System.Threading.Barrier", ["SignalAndWait"], BlockingFix.None,
            "Use CoopBarrier, which parks the task, " + ToThread),
        new("System.Threading.Monitor", ["Wait"], BlockingFix.None,
            "Use CoopCondition, which parks the task, " + ToThread),
    ];
}
