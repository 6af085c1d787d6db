namespace Coop.Tests.Determinism;

public class ScheduleProbesTests
{
    [Fact]
    public void FindViolation_FinallyNotLeft_NamesIt()
    {
        var probes = new ScheduleProbes();
        using (probes.Finally("left"))
        {
        }

        _ = probes.Finally("never left");
        Assert.Contains("'never left'", probes.FindViolation(), StringComparison.Ordinal);
    }

    [Fact]
    public void FindViolation_InvariantBroken_NamesIt_HoldingIsNull()
    {
        var probes = new ScheduleProbes();
        var ok = true;
        probes.Invariant("ok", () => ok);
        Assert.Null(probes.FindViolation());
        ok = false;
        Assert.Contains("'ok'", probes.FindViolation(), StringComparison.Ordinal);
    }

    [Fact]
    public void Register_EmptyName_Throws()
    {
        var probes = new ScheduleProbes();
        Assert.Throws<ArgumentException>(() => probes.Finally(""));
        Assert.Throws<ArgumentNullException>(() => probes.Invariant("x", null!));
    }
}
