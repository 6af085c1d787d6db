using Verify = Coop.Analyzers.Tests.Support.CoopVerifier<Coop.Analyzers.BclTaskAwaitAnalyzer, Coop.Analyzers.CodeFixes.BclTaskAwaitCodeFix>;

namespace Coop.Analyzers.Tests;

/// <summary>COOP004's fix: the Task is awaited through Coroutine.FromTask, with a token where the call takes one.</summary>
public class BclTaskAwaitCodeFixTests
{
    [Fact]
    public Task TaskValue_WrappedInFromTask() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main(Task t, Task<int> ti, ValueTask<int> vti)
            {
                {|COOP004:await t|};
                var a = {|COOP004:await ti|} + 1;
                var b = {|COOP004:await vti|};
                {|COOP004:await t.ConfigureAwait(false)|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Main(Task t, Task<int> ti, ValueTask<int> vti)
            {
                await Coroutine.FromTask(t);
                var a = await Coroutine.FromTask(ti) + 1;
                var b = await Coroutine.FromTask(vti.AsTask());
                await Coroutine.FromTask(t);
            }
        }
        """);

    [Fact]
    public Task CallWithATokenOverload_GetsFromTaskToken() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main(string path)
            {
                var text = {|COOP004:await File.ReadAllTextAsync(path)|};
                var bytes = {|COOP004:await Fetch(3)|};
            }

            static Task<byte[]> Fetch(int n) => Fetch(n, CancellationToken.None);

            static Task<byte[]> Fetch(int n, CancellationToken cancellationToken) => Task.FromResult(new byte[n]);
        }
        """, """
        static class C
        {
            static async Coroutine Main(string path)
            {
                var text = await Coroutine.FromTask(token => File.ReadAllTextAsync(path, cancellationToken: token));
                var bytes = await Coroutine.FromTask(token => Fetch(3, token));
            }

            static Task<byte[]> Fetch(int n) => Fetch(n, CancellationToken.None);

            static Task<byte[]> Fetch(int n, CancellationToken cancellationToken) => Task.FromResult(new byte[n]);
        }
        """);

    [Fact]
    public Task TaskDelay_BecomesCoroutineSleep() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Main()
            {
                {|COOP004:await Task.Delay(250)|};
                {|COOP004:await Task.Delay(TimeSpan.FromSeconds(1))|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Main()
            {
                await Coroutine.Sleep(0.25);
                await Coroutine.Sleep(TimeSpan.FromSeconds(1).TotalSeconds);
            }
        }
        """);
}
