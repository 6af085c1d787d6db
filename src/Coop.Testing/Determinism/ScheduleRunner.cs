// Runs a program once on a fresh loop with a virtual clock and a chooser, and turns everything that
// went wrong into one ScheduleRun: the main coroutine's exception, a deadlock, a livelock (too many
// steps), errors the loop reported (unobserved task failures, callbacks that threw), tasks leaked
// past the end of main, and failed ScheduleProbes. Every entry point of Explore goes through here.
// It also sets up what the seed decides besides the schedule: timing fuzz (TimingFuzzChooser wraps
// the chooser) and, with ExploreOptions.Simulate, the run's Simulation (the body runs as its client,
// and the instrument tells it which host each new task belongs to). Both draw from the run's
// PerturbationSource: the seed's, or a replayed list of perturbations.
using Coop.Core;

namespace Coop.Testing;

internal static class ScheduleRunner
{
    public static ScheduleRun Execute(
        Func<ScheduleProbes, Coroutine> body,
        IScheduleChooser chooser,
        ChoiceTrace trace,
        long? seed,
        ExploreOptions options,
        IReadOnlyList<Perturbation>? replay = null,
        Func<CoopTask, bool>? cancelAfterStep = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var clock = new VirtualClock();
        var source = seed is { } s && replay == null
            ? PerturbationSource.FromSeed(() => clock.Elapsed, s, options.TimingFuzz)
            : PerturbationSource.Replaying(() => clock.Elapsed, replay ?? [], options.TimingFuzz);
        var errors = new List<LoopError>();
        var probes = new ScheduleProbes();
        Exception? failure = null;
        StepCounter counter;
        var simulation = options.Simulate ? new Simulation(source) : null;
        using (var loop = new EventLoop(new EventLoopOptions { TimeProvider = clock, NetworkStack = simulation?.Stack }))
        {
            simulation?.Bind(loop);
            counter = new StepCounter(cancelAfterStep, simulation);
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            loop.Chooser = new TimingFuzzChooser(chooser, source);
            loop.Instrument = counter;
            try
            {
                var coroutine = Simulation.Starting(simulation, () => body(probes)) ?? throw new ArgumentException("The body returned null instead of a coroutine.", nameof(body));
                var main = loop.CreateTask(simulation != null ? simulation.RunAsync(coroutine) : coroutine, "main");
                loop.Run(until: () => main.IsDone || counter.Steps > options.MaxSteps || loop.Instrument != counter);
                failure = loop.Instrument != counter
                    ? new ScheduleViolationException("The body replaced loop.Instrument, which Explore uses to count steps and inject cancellation: leave it as it is.")
                    : MainOutcome(main, options, cancelAllowed: cancelAfterStep != null) ?? LeakedTasks(loop, options);
            }
            catch (Exception ex) when (ex is not LoopInternalException)
            {
                failure = ex; // a deadlock, or the body threw before returning a coroutine
            }
            finally
            {
                try
                {
                    loop.CancelLeftoverTasks();
                }
                catch (Exception ex) when (ex is not LoopInternalException)
                {
                    failure ??= ex;
                }
            }
        }

        failure ??= errors.Count == 0 ? null
            : errors[0].Exception ?? new ScheduleViolationException(errors[0].Message);
        var violation = probes.FindViolation();
        failure ??= violation == null ? null : new ScheduleViolationException(violation);
        return new ScheduleRun(source.IsReplaying ? null : seed, trace.Choices.ToList(), source.Made.ToList(), failure, counter.Steps, clock.Elapsed);
    }

    private static Exception? MainOutcome(CoopTask main, ExploreOptions options, bool cancelAllowed)
    {
        if (!main.IsDone)
        {
            return new ScheduleViolationException(
                $"The run took more than {options.MaxSteps} task steps without finishing: a livelock or an endless loop.");
        }

        return main.State switch
        {
            FutureState.Failed => main.Exception,
            FutureState.Canceled when !cancelAllowed => new ScheduleViolationException("The main coroutine was canceled."),
            _ => null,
        };
    }

    private static ScheduleViolationException? LeakedTasks(EventLoop loop, ExploreOptions options)
    {
        var alive = loop.AllTasks();
        if (!options.FailOnLeakedTasks || alive.Count == 0)
        {
            return null;
        }

        return new ScheduleViolationException(
            "The main coroutine ended while tasks it started were still alive (a leak): "
            + string.Join(", ", alive.Select(t => $"{t.Describe()} waiting on {t.WaitingOnDescription ?? t.Status.ToString()}")));
    }

    /// <summary>Counts task steps (the livelock guard), lets cancellation injection act after one,
    /// and tells the simulation which host each task belongs to.</summary>
    private sealed class StepCounter(Func<CoopTask, bool>? afterStep, Simulation? simulation) : LoopInstrument
    {
        public int Steps { get; private set; }

        public override void BeforeTaskStep(CoopTask task) => Steps++;

        public override void AfterTaskStep(CoopTask task) => afterStep?.Invoke(task);

        public override void TaskCreated(CoopTask task) => simulation?.OnTaskCreated(task);

        public override void TaskDone(CoopTask task) => simulation?.OnTaskDone(task);
    }
}
