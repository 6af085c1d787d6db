using Xunit.Abstractions;
using Xunit.Sdk;
using Coop.Testing;

namespace Coop.Xunit;

/// <summary>A <see cref="CoopFactAttribute"/> test: an xunit test case that remembers the exploration
/// settings (serialized, so runners that discover and run in separate steps keep them).</summary>
public sealed class CoopTestCase : XunitTestCase
{
    /// <summary>For the deserializer only.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public CoopTestCase()
    {
    }

    /// <summary>Creates the test case.</summary>
    public CoopTestCase(
        IMessageSink diagnosticMessageSink,
        TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions,
        ITestMethod testMethod,
        int schedules,
        ExploreStrategy strategy,
        long seed)
        : this(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod, schedules, strategy, seed, 0, false)
    {
    }

    /// <summary>Creates the test case, with timing fuzz and a simulated network.</summary>
    public CoopTestCase(
        IMessageSink diagnosticMessageSink,
        TestMethodDisplay defaultMethodDisplay,
        TestMethodDisplayOptions defaultMethodDisplayOptions,
        ITestMethod testMethod,
        int schedules,
        ExploreStrategy strategy,
        long seed,
        double timingFuzz,
        bool simulate)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
        // GetNamedArgument gives default(T) for a property the attribute did not set.
        Schedules = schedules > 0 ? schedules : 100;
        Strategy = strategy;
        Seed = seed != 0 ? seed : 1;
        TimingFuzz = timingFuzz;
        Simulate = simulate;
    }

    /// <summary>How many schedules to explore.</summary>
    public int Schedules { get; private set; }

    /// <summary>How schedules are picked.</summary>
    public ExploreStrategy Strategy { get; private set; }

    /// <summary>The first schedule's seed.</summary>
    public long Seed { get; private set; }

    /// <summary>How far timers and simulated latencies move (0: on time).</summary>
    public double TimingFuzz { get; private set; }

    /// <summary>Whether each schedule runs on a simulated network.</summary>
    public bool Simulate { get; private set; }

    /// <summary>The exploration these settings make.</summary>
    internal ExploreOptions Options => new() { Schedules = Schedules, Strategy = Strategy, Seed = Seed, TimingFuzz = TimingFuzz, Simulate = Simulate };

    /// <inheritdoc />
    public override Task<RunSummary> RunAsync(
        IMessageSink diagnosticMessageSink,
        IMessageBus messageBus,
        object[] constructorArguments,
        ExceptionAggregator aggregator,
        CancellationTokenSource cancellationTokenSource) =>
        new CoopTestCaseRunner(this, DisplayName, SkipReason, constructorArguments, TestMethodArguments, messageBus, aggregator, cancellationTokenSource).RunAsync();

    /// <inheritdoc />
    public override void Serialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        base.Serialize(data);
        data.AddValue(nameof(Schedules), Schedules);
        data.AddValue(nameof(Strategy), (int)Strategy);
        data.AddValue(nameof(Seed), Seed);
        data.AddValue(nameof(TimingFuzz), TimingFuzz);
        data.AddValue(nameof(Simulate), Simulate);
    }

    /// <inheritdoc />
    public override void Deserialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        base.Deserialize(data);
        Schedules = data.GetValue<int>(nameof(Schedules));
        Strategy = (ExploreStrategy)data.GetValue<int>(nameof(Strategy));
        Seed = data.GetValue<long>(nameof(Seed));
        TimingFuzz = data.GetValue<double>(nameof(TimingFuzz));
        Simulate = data.GetValue<bool>(nameof(Simulate));
    }
}
