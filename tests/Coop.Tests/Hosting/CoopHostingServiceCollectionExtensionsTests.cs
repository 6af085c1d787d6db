using Coop.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Coop.Tests.Hosting;

public class CoopHostingServiceCollectionExtensionsTests
{
    public sealed class Idle : HostedCoroutine
    {
        protected override async Coroutine RunAsync() => await Coroutine.Yield();
    }

    [Fact]
    public void AddCoopEventLoop_CalledTwiceAndWithCoroutines_RegistersOneLoopAndOneHostedService()
    {
        var services = new ServiceCollection();
        services.AddCoopEventLoop().AddCoopEventLoop().AddHostedCoroutine<Idle>().AddHostedCoroutine<Idle>();
        using var provider = services.BuildServiceProvider();

        var hosted = Assert.Single(provider.GetServices<IHostedService>());
        var loop = Assert.IsType<HostedEventLoop>(hosted);
        Assert.Same(loop.Loop, provider.GetRequiredService<EventLoop>());
        Assert.Single(provider.GetServices<HostedCoroutine>());
    }

    [Fact]
    public void AddCoopEventLoop_NullServices_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => CoopHostingServiceCollectionExtensions.AddCoopEventLoop(null!));
        Assert.Throws<ArgumentNullException>(() => CoopHostingServiceCollectionExtensions.AddHostedCoroutine<Idle>(null!));
    }
}
