using Verify = Coop.Analyzers.Tests.Support.CoopVerifier<Coop.Analyzers.BlockingCallAnalyzer, Coop.Analyzers.CodeFixes.BlockingCallCodeFix>;

namespace Coop.Analyzers.Tests;

/// <summary>COOP001's fix: what each blocking call becomes, and where no fix is offered.</summary>
public class BlockingCallCodeFixTests
{
    [Fact]
    public Task ThreadSleep_LiteralMilliseconds_BecomesAwaitedSleepInSeconds() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main()
            {
                {|COOP001:Thread.Sleep(100)|};
                {|COOP001:Thread.Sleep(2000)|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Main()
            {
                await Coroutine.Sleep(0.1);
                await Coroutine.Sleep(2);
            }
        }
        """);

    [Fact]
    public Task ThreadSleep_VariableOrTimeSpan_ConvertedToSeconds() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main(int ms, TimeSpan span)
            {
                {|COOP001:Thread.Sleep(ms)|};
                {|COOP001:Thread.Sleep(span)|};
                {|COOP001:Thread.Sleep(TimeSpan.FromSeconds(2))|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Main(int ms, TimeSpan span)
            {
                await Coroutine.Sleep(ms / 1000.0);
                await Coroutine.Sleep(span.TotalSeconds);
                await Coroutine.Sleep(TimeSpan.FromSeconds(2).TotalSeconds);
            }
        }
        """);

    [Fact]
    public Task ThreadSleep_InGenerator_BecomesYieldReturnSleep() => Verify.VerifyFixAsync("""
        static class C
        {
            static IEnumerable<object?> Gen()
            {
                {|COOP001:Thread.Sleep(500)|};
                yield return null;
            }
        }
        """, """
        static class C
        {
            static IEnumerable<object?> Gen()
            {
                yield return Coroutine.Sleep(0.5);
                yield return null;
            }
        }
        """);

    [Fact]
    public Task ThreadSleep_WithoutUsingCoop_WritesTheQualifiedName() => Verify.VerifyFixWithoutUsingAsync("""
        namespace N
        {
            static class C
            {
                static async Coop.Coroutine Main()
                {
                    {|COOP001:Thread.Sleep(100)|};
                }
            }
        }
        """, """
        namespace N
        {
            static class C
            {
                static async Coop.Coroutine Main()
                {
                    await Coop.Coroutine.Sleep(0.1);
                }
            }
        }
        """);

    [Fact]
    public Task TaskResultWaitAndGetResult_BecomeAwaitsOfFromTask() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main(Task t, Task<int> ti, ValueTask<int> vt)
            {
                {|COOP001:t.Wait()|};
                var a = {|COOP001:ti.Result|} + 1;
                var s = {|COOP001:ti.Result|}.ToString();
                var b = {|COOP001:vt.Result|};
                var c = {|COOP001:ti.ConfigureAwait(false).GetAwaiter().GetResult()|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Main(Task t, Task<int> ti, ValueTask<int> vt)
            {
                await Coroutine.FromTask(t);
                var a = await Coroutine.FromTask(ti) + 1;
                var s = (await Coroutine.FromTask(ti)).ToString();
                var b = await Coroutine.FromTask(vt.AsTask());
                var c = await Coroutine.FromTask(ti);
            }
        }
        """);

    [Fact]
    public Task TaskWaitAll_BecomesAwaitOfWhenAll() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main(Task a, Task b)
            {
                {|COOP001:Task.WaitAll(a, b)|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Main(Task a, Task b)
            {
                await Coroutine.FromTask(Task.WhenAll(a, b));
            }
        }
        """);

    [Fact]
    public Task FileReadAllText_BecomesFromTaskOfItsAsyncFormWithTheToken() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine<int> Main(string path)
            {
                var text = {|COOP001:File.ReadAllText(path)|};
                {|COOP001:File.WriteAllText(path, text)|};
                return text.Length;
            }
        }
        """, """
        static class C
        {
            static async Coroutine<int> Main(string path)
            {
                var text = await Coroutine.FromTask(token => File.ReadAllTextAsync(path, token));
                await Coroutine.FromTask(token => File.WriteAllTextAsync(path, text, token));
                return text.Length;
            }
        }
        """);

    [Fact]
    public Task SocketConnect_ValueTaskCounterpart_GetsAsTask() => Verify.VerifyFixAsync("""
        using System.Net;
        using System.Net.Sockets;

        static class C
        {
            static async Coroutine Main(Socket socket, EndPoint endPoint)
            {
                {|COOP001:socket.Connect(endPoint)|};
            }
        }
        """, """
        using System.Net;
        using System.Net.Sockets;

        static class C
        {
            static async Coroutine Main(Socket socket, EndPoint endPoint)
            {
                await Coroutine.FromTask(token => socket.ConnectAsync(endPoint, token).AsTask());
            }
        }
        """);

    [Fact]
    public Task FileRead_LocalNamedToken_LambdaTakesAnotherName() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main(string path, string token)
            {
                var text = {|COOP001:File.ReadAllText(path)|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Main(string path, string token)
            {
                var text = await Coroutine.FromTask(cancellationToken => File.ReadAllTextAsync(path, cancellationToken));
            }
        }
        """);

    [Fact]
    public Task StreamRead_OmittedOptionalArgument_PassesTheTokenByName() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main(FileStream file, Stream target)
            {
                {|COOP001:file.CopyTo(target)|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Main(FileStream file, Stream target)
            {
                await Coroutine.FromTask(token => file.CopyToAsync(target, token));
            }
        }
        """);

    [Fact]
    public Task NoClearRewrite_NoFixOffered() => Verify.VerifyNoFixAsync("""
        static class C
        {
            static object Gate = new();

            static async Coroutine Main(Task t, byte[] buffer, FileStream file)
            {
                {|COOP001:t.Wait(100)|};
                {|COOP001:Task.WaitAny(t, t)|};
                {|COOP001:Thread.Sleep(Timeout.Infinite)|};
                var line = {|COOP001:Console.ReadLine()|};
                var n = {|COOP001:file.Read(buffer.AsSpan())|};
                lock (Gate)
                {
                    {|COOP001:Thread.Sleep(1)|};
                }

                await Coroutine.Yield();
            }

            static IEnumerable<object?> Gen(string path)
            {
                var text = {|COOP001:File.ReadAllText(path)|}; // a generator cannot receive the value
                try
                {
                    {|COOP001:Thread.Sleep(1)|}; // no yield inside a try with a catch
                }
                catch (IOException)
                {
                }

                yield return null;
            }
        }
        """);
}
