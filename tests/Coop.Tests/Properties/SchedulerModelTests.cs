// Issue 2: random generator-coroutine programs (yields, nested calls of random depth, returns,
// throws, finally blocks) run on Coop's talk Scheduler produce exactly the trace, results and errors
// of an independent model of the talk's scheduler (Model/TalkSchedulerModel.cs), and every frame
// that started has its finally block run exactly once.
using Coop.Tests.Properties.Model;
using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Properties;

public class SchedulerModelTests
{
    private static string Print(GenBody[] programs) =>
        Environment.NewLine + string.Join(Environment.NewLine, programs.Select((p, i) => $"  t{i}: {p}"));

    private static void CheckAgainstModel(GenBody[] programs)
    {
        var log = new List<string>();
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var ids = new int[programs.Length];
        for (var i = 0; i < programs.Length; i++)
        {
            ids[i] = scheduler.Add(GenInterpreter.Run(programs[i], "t" + i, log));
        }

        scheduler.RunToCompletion();

        var model = new TalkSchedulerModel();
        model.Run(programs, ids);
        Assert.Equal(model.Trace, trace.ToString());
        Assert.Equal(model.CompletedTaskResults.OrderBy(p => p.Key), scheduler.CompletedTaskResults.OrderBy(p => p.Key));
        Assert.Equal(
            model.FailedTaskMessages.OrderBy(p => p.Key),
            scheduler.FailedTaskErrors.Select(p => KeyValuePair.Create(p.Key, p.Value.Message)).OrderBy(p => p.Key));
        Assert.All(scheduler.FailedTaskErrors.Values, e => Assert.True(e is ProgramException or AggregateException, e.ToString()));
        Assert.Equal(model.Log, log);
        AssertEveryStartedFrameFinalizedOnce(log);
    }

    private static void AssertEveryStartedFrameFinalizedOnce(List<string> log)
    {
        var entered = log.Where(l => l.StartsWith("enter ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        var finalized = log.Where(l => l.StartsWith("finally ", StringComparison.Ordinal)).Select(l => l[8..]).ToList();
        Assert.Equal(entered.Count, entered.Distinct().Count());
        Assert.Equal(entered.Order(StringComparer.Ordinal), finalized.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RunToCompletion_RandomGeneratorPrograms_MatchesTalkModel()
    {
        Bounded.Run(() => GenProgramGen.Tasks.Sample(CheckAgainstModel, iter: 400, print: Print));
    }

    [Fact]
    public void RunToCompletion_SameProgramTwice_SameTraceUpToIds()
    {
        Bounded.Run(() => GenProgramGen.Tasks.Sample(programs =>
        {
            string RunOnce()
            {
                var trace = new StringWriter();
                using var scheduler = new Scheduler(trace);
                var ids = programs.Select((p, i) => scheduler.Add(GenInterpreter.Run(p, "t" + i, []))).ToArray();
                scheduler.RunToCompletion();
                var text = trace.ToString();
                for (var i = ids.Length - 1; i >= 0; i--)
                {
                    text = text.Replace($"task {ids[i]}...", $"task #{i}...", StringComparison.Ordinal);
                }

                return text;
            }

            Assert.Equal(RunOnce(), RunOnce());
        }, iter: 100, print: Print));
    }

    [Fact]
    public void RunToCompletion_ThrowUnderDeepChain_DisposesEveryFrameInnermostFirst()
    {
        // A fixed instance of the property, so the scenario reads plainly: a throw 30 frames down.
        var program = GenProgramGen.Chain(new GenBody([new YieldInstr(), new ThrowInstr(7)]), 30);
        Bounded.Run(() => CheckAgainstModel([program, new GenBody([new YieldInstr(), new ReturnInstr(1)])]));
    }
}
