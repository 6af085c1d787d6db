using Verify = Coop.Analyzers.Tests.Support.CoopVerifier<Coop.Analyzers.DroppedCoroutineAnalyzer, Coop.Analyzers.CodeFixes.DroppedCoroutineCodeFix>;

namespace Coop.Analyzers.Tests;

/// <summary>COOP002: coroutines created and dropped, and the uses that are not drops.</summary>
public class DroppedCoroutineAnalyzerTests
{
    [Fact]
    public Task CoroutineCall_AsStatementOrDiscard_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();
            static async Coroutine<int> Value() { await Coroutine.Yield(); return 1; }

            static async Coroutine Main()
            {
                {|COOP002:Work()|};
                _ = {|COOP002:Value()|};
            }

            static void Plain()
            {
                {|COOP002:Work()|};
            }
        }
        """);

    [Fact]
    public Task GeneratorCall_AsStatement_Reported() => Verify.VerifyAsync("""
        static class C
        {
            static IEnumerable<object?> Inner() { yield return null; }

            static IEnumerable<object?> Outer()
            {
                {|COOP002:Inner()|};
                yield return null;
            }
        }
        """);

    [Fact]
    public Task CoroutineUsed_AwaitedYieldedStartedOrKept_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();
            static IEnumerable<object?> Inner() { yield return null; }

            static async Coroutine Main()
            {
                await Work();
                var kept = Work();
                await kept;
                EventLoop.Current.CreateTask(Work());
                EventLoop.Current.CreateTask(Inner());
                Coroutine.Sleep(1);
            }

            static IEnumerable<object?> Outer()
            {
                yield return Inner();
                var call = Coroutine.Call<int>(Inner());
                yield return call;
            }
        }
        """);

    [Fact]
    public Task GenericMethodReturningItsTypeArgument_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static T Check<T>(object value) => (T)value;

            static void Plain(object generator)
            {
                Check<IEnumerable<object?>>(generator);
            }
        }
        """);

    [Fact]
    public Task CompilationWithoutCoop_NotReported() => Verify.VerifyAsync("""
        static class C
        {
            static IEnumerable<object?> Inner() { yield return null; }

            static void Plain()
            {
                Inner();
            }
        }
        """, withCoop: false);
}
