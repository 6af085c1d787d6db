using Verify = Coop.Analyzers.Tests.Support.CoopVerifier<Coop.Analyzers.GeneratorYieldAnalyzer, Coop.Analyzers.CodeFixes.GeneratorYieldCodeFix>;

namespace Coop.Analyzers.Tests;

/// <summary>COOP003: what a generator coroutine may yield, and what it may not.</summary>
public class GeneratorYieldAnalyzerTests
{
    [Fact]
    public Task UnderstoodValues_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static IEnumerable<object?> Inner() { yield return null; }
            static async Coroutine Work() => await Coroutine.Yield();

            static IEnumerable<object?> Gen(object anything, IDisposable someInterface, Future<int> future, object?[] several)
            {
                yield return null;
                yield return default;
                yield return Coroutine.Sleep(1);
                yield return future;
                yield return EventLoop.Current.CreateTask(Work());
                yield return Inner();
                yield return Coroutine.Call<int>(Inner());
                yield return several;
                yield return new[] { "a" };
                yield return anything;
                yield return someInterface;
                yield return Coroutine.Return(42);
            }
        }
        """);

    [Fact]
    public Task ValuesTheTaskCannotFollow_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();

            static IEnumerable<object?> Gen(Task task, ValueTask<int> valueTask)
            {
                yield return {|COOP003:42|};
                yield return {|COOP003:"text"|};
                yield return {|COOP003:task|};
                yield return {|COOP003:valueTask|};
                yield return {|COOP003:Work()|};
                yield return {|COOP003:Coroutine.Yield()|};
                yield return {|COOP003:new[] { 1, 2 }|};
                yield return {|COOP003:TimeSpan.Zero|};
            }
        }
        """);

    [Fact]
    public Task OtherIterators_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static IEnumerable<int> Numbers()
            {
                yield return 42;
            }

            static IEnumerator<object?> NotAGenerator()
            {
                yield return 42;
            }
        }
        """);

    [Fact]
    public Task ObjectIteratorWithoutCoop_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static IEnumerable<object?> Values()
            {
                yield return 42;
                yield return "text";
            }
        }
        """, withCoop: false);

    [Fact]
    public async Task Message_NamesTheGeneratorTheTypeAndTheRemedy()
    {
        await Verify.VerifyAsync("""
            static class C
            {
                static IEnumerable<object?> Gen(Task task)
                {
                    yield return {|#0:task|};
                }
            }
            """, expected: new Microsoft.CodeAnalysis.Testing.DiagnosticResult(CoopDiagnostics.UnknownYield)
                .WithLocation(0)
                .WithArguments("Gen", "Task", "to wait for a .NET Task, yield Coroutine.FromTask(task)"));
    }
}
