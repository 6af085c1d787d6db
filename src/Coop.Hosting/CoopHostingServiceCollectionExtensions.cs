// Registration of Coop in a host's services, under the namespace .NET puts Add* extensions in, so
// that `builder.Services.AddCoopEventLoop()` needs no extra using.
using Coop;
using Coop.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a Coop event loop, and coroutines it runs, to a host's services.</summary>
public static class CoopHostingServiceCollectionExtensions
{
    /// <summary>Adds one event loop that runs on its own thread while the host runs
    /// (<see cref="HostedEventLoop"/>), and makes its <see cref="EventLoop"/> injectable, for
    /// <see cref="EventLoop.InvokeAsync{T}(Func{Coroutine{T}}, CancellationToken)"/> from endpoints and
    /// other thread-pool code. The loop reads the <see cref="TimeProvider"/> registered, if any, and
    /// reports errors to the <see cref="ILogger"/> category <c>Coop.EventLoop</c>. Calling it again
    /// adds nothing.</summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddCoopEventLoop(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static provider => new HostedEventLoop(
            provider.GetServices<HostedCoroutine>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>(),
            provider.GetService<IHostApplicationLifetime>()));
        services.TryAddSingleton(static provider => provider.GetRequiredService<HostedEventLoop>().Loop);
        services.AddHostedService(static provider => provider.GetRequiredService<HostedEventLoop>());
        return services;
    }

    /// <summary>Adds <typeparamref name="T"/> as a coroutine that the host's event loop runs from the
    /// host's start until it ends or the host stops (see <see cref="HostedCoroutine"/>), and the loop
    /// itself (<see cref="AddCoopEventLoop"/>). <typeparamref name="T"/> is a singleton made by the
    /// container: its constructor takes the services it needs. Adding the same type again adds
    /// nothing.</summary>
    /// <typeparam name="T">The hosted coroutine's class.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHostedCoroutine<T>(this IServiceCollection services)
        where T : HostedCoroutine
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<HostedCoroutine, T>());
        return services.AddCoopEventLoop();
    }
}
