// The talk's In[5]: a plain linear search over the endless Lucas sequence.
using Coop.Talk;

using static Coop.Talk.TalkFunctions;

namespace Coop.Cli.Demos;

/// <summary>Finds the first Lucas number with six digits with the plain, blocking <c>Search</c>.</summary>
internal sealed class SearchDemo : Demo
{
    public override string Name => "search";

    public override string Summary => "the first six-digit Lucas number, by a plain (blocking) search";

    public override int Order => 20;

    public override int Run(DemoContext context)
    {
        context.Out.WriteLine("> Search(Lucas(), x => x.ToString().Length >= 6)");
        context.Out.WriteLine(Search(Lucas(), x => x.ToString().Length >= 6));
        return 0;
    }
}
