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
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
        // GetNamedArgument gives default(T) for a property the attribute did not set.
        Schedules = schedules > 0 ? schedules : 100;
        Strategy = strategy;
        Seed = seed != 0 ? seed : 1;
    }

    /// <summary>How many schedules to explore.</summary>
    public int Schedules { get; private set; }

    /// <summary>How schedules are picked.</summary>
    public ExploreStrategy Strategy { get; private set; }

    /// <summary>The first schedule's seed.</summary>
    public long Seed { get; private set; }

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
    }

    /// <inheritdoc />
    public override void Deserialize(IXunitSerializationInfo data)
    {
        ArgumentNullException.ThrowIfNull(data);
        base.Deserialize(data);
        Schedules = data.GetValue<int>(nameof(Schedules));
        Strategy = (ExploreStrategy)data.GetValue<int>(nameof(Strategy));
        Seed = data.GetValue<long>(nameof(Seed));
    }
}
