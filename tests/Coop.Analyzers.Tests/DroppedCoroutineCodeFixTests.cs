using Verify = Coop.Analyzers.Tests.Support.CoopVerifier<Coop.Analyzers.DroppedCoroutineAnalyzer, Coop.Analyzers.CodeFixes.DroppedCoroutineCodeFix>;

namespace Coop.Analyzers.Tests;

/// <summary>COOP002's fix: await or yield the dropped coroutine, starting it as a task where the kinds differ.</summary>
public class DroppedCoroutineCodeFixTests
{
    [Fact]
    public Task CoroutineInAsyncCoroutine_Awaited() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();

            static async Coroutine Main()
            {
                {|COOP002:Work()|}; // run it
                _ = {|COOP002:Work()|};
            }
        }
        """, """
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();

            static async Coroutine Main()
            {
                await Work(); // run it
                await Work();
            }
        }
        """);

    [Fact]
    public Task GeneratorInGenerator_Yielded() => Verify.VerifyFixAsync("""
        static class C
        {
            static IEnumerable<object?> Inner() { yield return null; }

            static IEnumerable<object?> Outer()
            {
                {|COOP002:Inner()|};
                yield return null;
            }
        }
        """, """
        static class C
        {
            static IEnumerable<object?> Inner() { yield return null; }

            static IEnumerable<object?> Outer()
            {
                yield return Inner();
                yield return null;
            }
        }
        """);

    [Fact]
    public Task OtherKind_StartedAsATaskAndWaitedFor() => Verify.VerifyFixAsync("""
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();
            static IEnumerable<object?> Inner() { yield return null; }

            static async Coroutine Main()
            {
                {|COOP002:Inner()|};
            }

            static IEnumerable<object?> Outer()
            {
                {|COOP002:Work()|};
                yield return null;
            }
        }
        """, """
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();
            static IEnumerable<object?> Inner() { yield return null; }

            static async Coroutine Main()
            {
                await EventLoop.Current.CreateTask(Inner());
            }

            static IEnumerable<object?> Outer()
            {
                yield return EventLoop.Current.CreateTask(Work());
                yield return null;
            }
        }
        """);

    [Fact]
    public Task OutsideCoroutines_NoFixOffered() => Verify.VerifyNoFixAsync("""
        static class C
        {
            static async Coroutine Work() => await Coroutine.Yield();

            static void Plain()
            {
                {|COOP002:Work()|};
            }
        }
        """);
}
