using Verify = Coop.Analyzers.Tests.Support.CoopVerifier<Coop.Analyzers.BclTaskAwaitAnalyzer, Coop.Analyzers.CodeFixes.BclTaskAwaitCodeFix>;

namespace Coop.Analyzers.Tests;

/// <summary>COOP004: a plain .NET Task awaited inside an async coroutine.</summary>
public class BclTaskAwaitAnalyzerTests
{
    [Fact]
    public Task BclAwaitables_InAsyncCoroutine_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Main(Task t, Task<int> ti, ValueTask vt, ValueTask<int> vti)
            {
                {|COOP004:await t|};
                var a = {|COOP004:await ti|};
                {|COOP004:await vt|};
                var b = {|COOP004:await vti|};
                {|COOP004:await t.ConfigureAwait(false)|};
            }
        }
        """);

    [Fact]
    public Task CoopAwaitsAndOtherMethods_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine<int> Work() { await Coroutine.Yield(); return 1; }

            static async Coroutine Main()
            {
                await Coroutine.Sleep(1);
                await Coroutine.Yield();
                await Work();
                await EventLoop.Current.CreateTask(Work());
                await Coroutine.FromTask(Task.Delay(1));
                await Task.Yield();
            }

            static async Task Bcl(Task t)
            {
                await t;
            }
        }
        """);

    [Fact]
    public async Task Message_IsInfoAndNamesTheTypeAndTheCoroutine()
    {
        await Verify.VerifyAsync("""
            static class C
            {
                static async Coroutine Main(Task<string> read)
                {
                    var text = {|#0:await read|};
                }
            }
            """, expected: new Microsoft.CodeAnalysis.Testing.DiagnosticResult(CoopDiagnostics.BclTaskAwait)
                .WithLocation(0)
                .WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations)
                .WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info)
                .WithArguments("Task<string>", "Main", "await Coroutine.FromTask(task) instead, so a cancellation ends the wait at once"));
    }
}
