// The talk's In[3]: the first ten Lucas numbers.
using Coop.Talk;

using static Coop.Talk.TalkFunctions;

namespace Coop.Cli.Demos;

/// <summary>Prints the first ten Lucas numbers, as the notebook's <c>list(islice(lucas(), 10))</c>.</summary>
internal sealed class LucasDemo : Demo
{
    public override string Name => "lucas";

    public override string Summary => "the first ten Lucas numbers (a plain generator)";

    public override int Order => 10;

    public override int Run(DemoContext context)
    {
        context.Out.WriteLine("> Lucas().Take(10)");
        context.Out.WriteLine("[" + string.Join(", ", Lucas().Take(10)) + "]");
        return 0;
    }
}
