using Xunit.Abstractions;
using Xunit.Sdk;
using Coop.Testing;

namespace Coop.Xunit;

/// <summary>Turns each <see cref="CoopFactAttribute"/> method into a <see cref="CoopTestCase"/> (used by xunit).</summary>
public sealed class CoopFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc />
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(factAttribute);
        return new CoopTestCase(
            DiagnosticMessageSink,
            discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(),
            testMethod,
            factAttribute.GetNamedArgument<int>(nameof(CoopFactAttribute.Schedules)),
            factAttribute.GetNamedArgument<ExploreStrategy>(nameof(CoopFactAttribute.Strategy)),
            factAttribute.GetNamedArgument<long>(nameof(CoopFactAttribute.Seed)),
            factAttribute.GetNamedArgument<double>(nameof(CoopFactAttribute.TimingFuzz)),
            factAttribute.GetNamedArgument<bool>(nameof(CoopFactAttribute.Simulate)));
    }
}
