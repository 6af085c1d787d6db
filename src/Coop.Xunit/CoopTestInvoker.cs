using System.Reflection;
using System.Runtime.ExceptionServices;
using Xunit.Abstractions;
using Xunit.Sdk;
using Coop.Testing;

namespace Coop.Xunit;

/// <summary>Invokes a <see cref="CoopFactAttribute"/> method: instead of calling it once, hands it to
/// <see cref="CoopTest.Explore(Func{Coroutine}, ExploreOptions)"/>, which calls it once per schedule.</summary>
internal sealed class CoopTestInvoker(
    CoopTestCase testCase,
    ITest test,
    IMessageBus messageBus,
    Type testClass,
    object[] constructorArguments,
    MethodInfo testMethod,
    object[] testMethodArguments,
    IReadOnlyList<BeforeAfterTestAttribute> beforeAfterAttributes,
    ExceptionAggregator aggregator,
    CancellationTokenSource cancellationTokenSource)
    : XunitTestInvoker(test, messageBus, testClass, constructorArguments, testMethod, testMethodArguments, beforeAfterAttributes, aggregator, cancellationTokenSource)
{
    protected override object? CallTestMethod(object testClassInstance)
    {
        if (TestMethod.ReturnType != typeof(Coroutine))
        {
            throw new InvalidOperationException(
                $"[CoopFact] method {TestMethod.DeclaringType?.Name}.{TestMethod.Name} must return Coop.Coroutine (write 'public async Coroutine {TestMethod.Name}()'); it returns {TestMethod.ReturnType.Name}.");
        }

        Coroutine Body()
        {
            try
            {
                return (Coroutine)TestMethod.Invoke(testClassInstance, TestMethodArguments)!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }

        CoopTest.Explore(Body, testCase.Options);
        return null;
    }
}
