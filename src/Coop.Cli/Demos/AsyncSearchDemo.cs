// The talk's In[7]-In[8]: a cooperative search stepped by hand. Each MoveNext is Python's next(g):
// the search runs to its next yield and hands control back, so the caller can do something else
// ("hello world") between two steps. The last step leaves Coroutine.Return(11) in Current, where
// Python raises StopIteration(11).
using Coop.Talk;

using static Coop.Talk.TalkFunctions;

namespace Coop.Cli.Demos;

/// <summary>Steps <c>AsyncSearch</c> by hand, printing between two steps, until it returns 11.</summary>
internal sealed class AsyncSearchDemo : Demo
{
    public override string Name => "async-search";

    public override string Summary => "a cooperative search stepped by hand: work between steps, then the result 11";

    public override int Order => 30;

    public override int Run(DemoContext context)
    {
        var output = context.Out;
        output.WriteLine("> var g = AsyncSearch(Lucas(), x => x >= 10).GetEnumerator();");
        using var g = AsyncSearch(Lucas(), x => x >= 10).GetEnumerator();
        Step(g, output);
        Step(g, output);
        output.WriteLine("> Console.WriteLine(\"hello world\");");
        output.WriteLine("hello world");
        while (Step(g, output))
        {
        }

        return 0;
    }

    /// <summary>One next(g); false once the search has returned.</summary>
    private static bool Step(IEnumerator<object?> g, TextWriter output)
    {
        if (!g.MoveNext())
        {
            throw new InvalidOperationException("The search ended without returning a value.");
        }

        if (g.Current is ReturnValue returned)
        {
            output.WriteLine($"> g.MoveNext();  // returned {returned.Value}: g.Current is Coroutine.Return({returned.Value}), Python's StopIteration: {returned.Value}");
            return false;
        }

        output.WriteLine("> g.MoveNext();  // yielded");
        return true;
    }
}
