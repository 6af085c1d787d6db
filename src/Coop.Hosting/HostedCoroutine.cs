// A coroutine the host runs for its lifetime (the Coop form of .NET's BackgroundService): a class, so
// that its services come by constructor injection, registered with AddHostedCoroutine<T>. The
// HostedEventLoop starts each as a task when the loop starts, and cancels it when the host stops.
namespace Coop.Hosting;

/// <summary>A coroutine that runs on the host's event loop from the host's start until it ends or the
/// host stops: derive from it, take services in the constructor, and register it with
/// <c>services.AddHostedCoroutine&lt;T&gt;()</c>.</summary>
/// <remarks>When the host stops, the coroutine is canceled: a <see cref="CanceledException"/> is
/// raised at its await point, its <c>finally</c> blocks run (they may await), and the host waits for
/// that within its shutdown timeout. If it fails, the error is logged and the application is stopped,
/// as a failing <c>BackgroundService</c> stops it by default. If it ends, the loop runs on.</remarks>
public abstract class HostedCoroutine
{
    /// <summary>The coroutine's body; called once, on the loop thread, when the loop starts.</summary>
    protected internal abstract Coroutine RunAsync();
}
