using Microsoft.CodeAnalysis.Testing;
using Verify = Coop.Analyzers.Tests.Support.CoopVerifier<Coop.Analyzers.BlockingCallAnalyzer, Coop.Analyzers.CodeFixes.BlockingCallCodeFix>;

namespace Coop.Analyzers.Tests;

/// <summary>COOP001: where a blocking call is reported, and where it is not.</summary>
public class BlockingCallAnalyzerTests
{
    [Fact]
    public Task ThreadSleep_InAsyncCoroutine_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Main()
            {
                {|COOP001:Thread.Sleep(100)|};
                await Coroutine.Sleep(0.1);
            }
        }
        """);

    [Fact]
    public Task GetResultAndResult_AfterACompletionCheck_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine<int> Main(Task<int> task, Task other)
            {
                if (!task.IsCompleted)
                {
                    await Coroutine.FromTask(task);
                }

                var n = task.GetAwaiter().GetResult() + task.Result;
                if (other.Status == TaskStatus.RanToCompletion)
                {
                    other.GetAwaiter().GetResult();
                }

                return n;
            }
        }
        """);

    [Fact]
    public Task GetResult_CompletionOfAnotherTaskChecked_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine<int> Main(Task<int> task, Task<int> other)
            {
                if (other.IsCompleted)
                {
                    await Coroutine.Yield();
                }

                return {|COOP001:task.GetAwaiter().GetResult()|} + {|COOP001:task.Result|};
            }
        }
        """);

    [Fact]
    public Task Result_CompletionCheckedOnlyAfterTheRead_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine<bool> Main(Task<int> task)
            {
                var n = {|COOP001:task.Result|};
                await Coroutine.Yield();
                return task.IsCompleted && n > 0;
            }
        }
        """);

    [Fact]
    public Task ThreadSleep_InAsyncCoroutineOfT_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine<int> Main()
            {
                {|COOP001:Thread.Sleep(100)|};
                await Coroutine.Sleep(0.1);
                return 1;
            }
        }
        """);

    [Fact]
    public Task ThreadSleep_InGeneratorCoroutine_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static IEnumerable<object?> Gen()
            {
                {|COOP001:Thread.Sleep(100)|};
                yield return null;
            }
        }
        """);

    [Fact]
    public Task ThreadSleep_InAsyncCoroutineLambdaAndLocalFunction_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static void Run()
            {
                Func<Coroutine> f = async () =>
                {
                    {|COOP001:Thread.Sleep(1)|};
                    await Coroutine.Yield();
                };

                IEnumerable<object?> Local()
                {
                    {|COOP001:Thread.Sleep(1)|};
                    yield return null;
                }
            }
        }
        """);

    [Fact]
    public Task ThreadSleep_OutsideCoroutines_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static void Plain() => Thread.Sleep(1);

            static async Task BclAsync()
            {
                Thread.Sleep(1);
                await Task.Yield();
            }

            static IEnumerable<int> Numbers()
            {
                Thread.Sleep(1);
                yield return 1;
            }

            static IEnumerable<object?> NotAnIterator()
            {
                Thread.Sleep(1);
                return new object?[] { null };
            }
        }
        """);

    [Fact]
    public Task ThreadSleep_InLambdaNestedInCoroutine_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Main()
            {
                await Coroutine.ToThread(() => Thread.Sleep(100)); // runs on the thread pool
            }
        }
        """);

    [Fact]
    public Task GeneratorIterator_CompilationWithoutCoop_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static IEnumerable<object?> Gen()
            {
                Thread.Sleep(100);
                yield return null;
            }
        }
        """, withCoop: false);

    [Fact]
    public Task TaskWaits_InCoroutine_EachReported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Main(Task t, Task<int> ti, ValueTask<int> vt)
            {
                {|COOP001:t.Wait()|};
                {|COOP001:t.Wait(100)|};
                {|COOP001:Task.WaitAll(t, t)|};
                {|COOP001:Task.WaitAny(t, t)|};
                var a = {|COOP001:ti.Result|};
                var b = {|COOP001:vt.Result|};
                {|COOP001:t.GetAwaiter().GetResult()|};
                var c = {|COOP001:ti.ConfigureAwait(false).GetAwaiter().GetResult()|};
                await Coroutine.Yield();
            }
        }
        """);

    [Fact]
    public Task CoopResults_InCoroutine_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static IEnumerable<object?> Inner() { yield return Coroutine.Return(1); }

            static IEnumerable<object?> Gen()
            {
                var call = Coroutine.Call<int>(Inner());
                yield return call;
                var x = call.Result;
                var task = EventLoop.Current.CreateTask(Inner());
                yield return task;
                var y = task.ResultObject;
                var f = Coroutine.Sleep(0);
                f.GetAwaiter().GetResult();
            }
        }
        """);

    [Fact]
    public Task FileAndConsoleAndDns_InCoroutine_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Main(string path)
            {
                var text = {|COOP001:File.ReadAllText(path)|};
                {|COOP001:File.WriteAllBytes(path, new byte[1])|};
                var line = {|COOP001:Console.ReadLine()|};
                var addresses = {|COOP001:System.Net.Dns.GetHostAddresses("localhost")|};
                await Coroutine.Yield();
            }
        }
        """);

    [Fact]
    public Task Sockets_InCoroutine_Reported() => Verify.VerifyAsync("""
        using System.Net;
        using System.Net.Sockets;

        static class C
        {
            static async Coroutine Main(Socket socket, EndPoint endPoint, byte[] buffer, TcpListener listener)
            {
                {|COOP001:socket.Connect(endPoint)|};
                var n = {|COOP001:socket.Receive(buffer)|};
                {|COOP001:socket.Send(buffer)|};
                using var peer = {|COOP001:socket.Accept()|};
                using var client = {|COOP001:listener.AcceptTcpClient()|};
                await Coroutine.Yield();
            }
        }
        """);

    [Fact]
    public Task StreamIo_OnFileAndNetworkStreamsOnly_Reported() => Verify.VerifyAsync("""
        using System.Net.Sockets;

        static class C
        {
            static async Coroutine Main(FileStream file, NetworkStream network, MemoryStream memory, Stream unknown, byte[] buffer)
            {
                var a = {|COOP001:file.Read(buffer, 0, 1)|};
                {|COOP001:network.Write(buffer, 0, 1)|};
                {|COOP001:network.ReadExactly(buffer)|};
                {|COOP001:file.Flush()|};
                var b = memory.Read(buffer, 0, 1);
                var c = unknown.Read(buffer, 0, 1);
                await Coroutine.Yield();
            }
        }
        """);

    [Fact]
    public Task ThreadSynchronization_InCoroutine_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Main(ManualResetEvent handle, SemaphoreSlim semaphore, ManualResetEventSlim slim, Thread thread)
            {
                {|COOP001:handle.WaitOne()|};
                {|COOP001:semaphore.Wait()|};
                {|COOP001:slim.Wait()|};
                {|COOP001:thread.Join()|};
                await Coroutine.Yield();
            }
        }
        """);

    [Fact]
    public async Task ThreadSleep_Message_NamesTheCallTheCoroutineAndTheRemedy()
    {
        await Verify.VerifyAsync("""
            static class C
            {
                static async Coroutine Main()
                {
                    {|#0:Thread.Sleep(100)|};
                    await Coroutine.Yield();
                }
            }
            """, expected: new DiagnosticResult(CoopDiagnostics.BlockingCall)
                .WithLocation(0)
                .WithArguments("Thread.Sleep", "Main", "Use Coroutine.Sleep(seconds): it parks the task, not the thread"));
    }
}
