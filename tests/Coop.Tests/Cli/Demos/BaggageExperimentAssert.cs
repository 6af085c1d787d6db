using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

/// <summary>What both runs of the talk's last experiment print, whatever the timing.</summary>
internal static class BaggageExperimentAssert
{
    public static void Structure(string[] lines, string predicate)
    {
        // Lines are stamped "[ 2.5s] "; the stamps depend on the machine, so only their form is checked.
        var stamped = lines.Where(l => l.StartsWith('[')).ToList();
        Assert.All(stamped, l => Assert.Matches(@"^\[[ \d]\d\.\ds\] ", l));
        var text = stamped.Select(l => l[8..]).ToList();
        Assert.Equal(BaggageExperiment.Message, text[0]); // printed on the first step
        Assert.Equal("Stopped: the time is up.", text[^1]);
        var found = text.Where(l => l.StartsWith("Found: ", StringComparison.Ordinal)).Select(l => l["Found: ".Length..]).ToList();
        // The first step of each task always runs, and IsPrime(2) answers at once, so "Found: 2" is
        // always there; how many more primes follow depends on the machine, but they are the Lucas
        // primes, in order.
        string[] lucasPrimes = ["2", "3", "7", "11", "29", "47", "199", "521", "2207", "3571", "9349", "3010349",
            "54018521", "370248451", "6643838879", "119218851371", "5600748293801", "688846502588399"];
        Assert.NotEmpty(found);
        Assert.Equal(lucasPrimes.Take(found.Count), found);
        Assert.Contains(lines, l => l.StartsWith("The message was due every 2.5 s", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"At the end, {predicate} had been testing ", StringComparison.Ordinal));
    }
}
