using Verify = Coop.Analyzers.Tests.Support.CoopVerifier<Coop.Analyzers.GeneratorYieldAnalyzer, Coop.Analyzers.CodeFixes.GeneratorYieldCodeFix>;

namespace Coop.Analyzers.Tests;

/// <summary>COOP003's fix: each usual mistake becomes the value the task understands.</summary>
public class GeneratorYieldCodeFixTests
{
    [Fact]
    public Task TaskCoroutineAndYield_BecomeFutureTaskAndNull() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();

            static IEnumerable<object?> Gen(Task task, ValueTask valueTask)
            {
                yield return {|COOP003:task|};
                yield return {|COOP003:valueTask|};
                yield return {|COOP003:Work()|};
                yield return {|COOP003:Coroutine.Yield()|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();

            static IEnumerable<object?> Gen(Task task, ValueTask valueTask)
            {
                yield return Coroutine.FromTask(task);
                yield return Coroutine.FromTask(valueTask.AsTask());
                yield return EventLoop.Current.CreateTask(Work());
                yield return null;
            }
        }
        """);

    [Fact]
    public Task ValueAtTheEnd_BecomesCoroutineReturn() => Verify.VerifyFixAsync("""
        static class C
        {
            static IEnumerable<object?> Answer(bool early)
            {
                if (early)
                {
                    yield return {|COOP003:1|};
                    yield break;
                }

                yield return null;
                yield return {|COOP003:42|};
            }
        }
        """, """
        static class C
        {
            static IEnumerable<object?> Answer(bool early)
            {
                if (early)
                {
                    yield return Coroutine.Return(1);
                    yield break;
                }

                yield return null;
                yield return Coroutine.Return(42);
            }
        }
        """);

    [Fact]
    public Task ValueInTheMiddle_NoFixOffered() => Verify.VerifyNoFixAsync("""
        static class C
        {
            static IEnumerable<object?> Gen()
            {
                yield return {|COOP003:42|};
                yield return null;
            }
        }
        """);
}
