using Coop.Hosting;
using Coop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coop.Tests.Hosting;

/// <summary>A real host, built in each test, running the loop on its thread (HostedEventLoop.cs).
/// Every wait is bounded; the only wall-clock wait is the shutdown-timeout test's short timeout.</summary>
public class HostedEventLoopTests
{
    private static readonly TimeSpan Limit = Bounded.DefaultLimit;

    /// <summary>What the hosted coroutines below report, shared through DI.</summary>
    public sealed class Probe
    {
        public TaskCompletionSource<int> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource CleanedUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Counter { get; set; } // loop thread only
    }

    /// <summary>Waits forever; on cancellation its finally block awaits, then reports.</summary>
    public sealed class Waiter(Probe probe) : HostedCoroutine
    {
        protected override async Coroutine RunAsync()
        {
            try
            {
                probe.Started.SetResult(Environment.CurrentManagedThreadId);
                await EventLoop.Current.CreateFuture();
            }
            finally
            {
                await Coroutine.Yield(); // cleanup that awaits
                probe.CleanedUp.SetResult();
            }
        }
    }

    /// <summary>Ignores cancellation: it keeps waiting after the host asked it to stop.</summary>
    public sealed class Stubborn(Probe probe) : HostedCoroutine
    {
        protected override async Coroutine RunAsync()
        {
            probe.Started.SetResult(Environment.CurrentManagedThreadId);
            while (true)
            {
                try
                {
                    await EventLoop.Current.CreateFuture();
                }
                catch (CanceledException)
                {
                    // carries on
                }
            }
        }
    }

    /// <summary>Fails after its first step.</summary>
    public sealed class Failing(Probe probe) : HostedCoroutine
    {
        protected override async Coroutine RunAsync()
        {
            probe.Started.SetResult(Environment.CurrentManagedThreadId);
            await Coroutine.Yield();
            throw new InvalidDataException("the hosted coroutine broke");
        }
    }

    private static IHost Build(Action<IServiceCollection> configure, ListLoggerProvider? logs = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<Probe>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? Limit);
        if (logs != null)
        {
            builder.Logging.AddProvider(logs);
        }

        configure(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task Start_HostedCoroutine_RunsOnTheLoopsOwnThreadWithItsInjectedService()
    {
        using var host = Build(s => s.AddHostedCoroutine<Waiter>());
        await host.StartAsync().WaitAsync(Limit);

        var ranOn = await host.Services.GetRequiredService<Probe>().Started.Task.WaitAsync(Limit);

        Assert.NotEqual(Environment.CurrentManagedThreadId, ranOn);
        Assert.True(host.Services.GetRequiredService<EventLoop>().IsRunning);
        await host.StopAsync().WaitAsync(Limit);
    }

    [Fact]
    public async Task Stop_HostedCoroutineWaiting_IsCanceledAndItsFinallyBlockEndsBeforeStopReturns()
    {
        using var host = Build(s => s.AddHostedCoroutine<Waiter>());
        var probe = host.Services.GetRequiredService<Probe>();
        var loop = host.Services.GetRequiredService<EventLoop>();
        await host.StartAsync().WaitAsync(Limit);
        await probe.Started.Task.WaitAsync(Limit);

        await host.StopAsync().WaitAsync(Limit);

        Assert.True(probe.CleanedUp.Task.IsCompleted, "StopAsync returned before the coroutine's finally block ended");
        Assert.True(loop.IsClosed);
    }

    [Fact]
    public async Task Stop_ACoroutineIgnoresCancellation_StopReturnsAtTheShutdownTimeoutAndSaysWhy()
    {
        var logs = new ListLoggerProvider();
        using var host = Build(s => s.AddHostedCoroutine<Stubborn>(), logs, shutdownTimeout: TimeSpan.FromMilliseconds(200));
        var loop = host.Services.GetRequiredService<EventLoop>();
        await host.StartAsync().WaitAsync(Limit);
        await host.Services.GetRequiredService<Probe>().Started.Task.WaitAsync(Limit);

        await host.StopAsync().WaitAsync(Limit);

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("shutdown timeout", StringComparison.Ordinal) && e.Message.Contains("1 task(s)", StringComparison.Ordinal));
        SpinWait.SpinUntil(() => loop.IsClosed, Limit); // stopped after the timeout: closed by its thread
        Assert.True(loop.IsClosed);
    }

    [Fact]
    public async Task HostedCoroutine_Fails_ErrorIsLoggedAndTheApplicationStops()
    {
        var logs = new ListLoggerProvider();
        using var host = Build(s => s.AddHostedCoroutine<Failing>(), logs);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = stopping.Register(stopped.SetResult);
        await host.StartAsync().WaitAsync(Limit);

        await stopped.Task.WaitAsync(Limit);

        var failure = Assert.Single(logs.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidDataException>(failure.Exception);
        Assert.Contains("Failing", failure.Message, StringComparison.Ordinal);
        await host.StopAsync().WaitAsync(Limit);
    }

    [Fact]
    public async Task InvokeAsync_FromThePoolThroughDI_RunsOnTheHostsLoopWithItsServices()
    {
        using var host = Build(s => s.AddCoopEventLoop());
        await host.StartAsync().WaitAsync(Limit);
        var loop = host.Services.GetRequiredService<EventLoop>();
        var probe = host.Services.GetRequiredService<Probe>();
        async Coroutine<int> Next()
        {
            await Coroutine.Yield();
            return ++probe.Counter;
        }

        var values = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => loop.InvokeAsync(Next)))).WaitAsync(Limit);

        Assert.Equal(Enumerable.Range(1, 20), values.Order());
        await host.StopAsync().WaitAsync(Limit);
    }

    [Fact]
    public async Task Stop_InvokeAsyncCallInFlight_TheCallIsCanceledAndLaterCallsAreRefused()
    {
        using var host = Build(s => s.AddCoopEventLoop());
        await host.StartAsync().WaitAsync(Limit);
        var loop = host.Services.GetRequiredService<EventLoop>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Coroutine<int> Forever()
        {
            started.SetResult();
            await EventLoop.Current.CreateFuture();
            return 1;
        }

        var call = loop.InvokeAsync(Forever);
        await started.Task.WaitAsync(Limit);

        await host.StopAsync().WaitAsync(Limit);

        Assert.True(call.IsCanceled);
        Assert.Throws<InvalidOperationException>(() => { _ = loop.InvokeAsync(Forever); });
    }

    [Fact]
    public async Task LoopErrors_NobodyAwaited_GoToTheHostsLoggerUnderCoopEventLoop()
    {
        var logs = new ListLoggerProvider();
        using var host = Build(s => s.AddCoopEventLoop(), logs);
        await host.StartAsync().WaitAsync(Limit);
        var loop = host.Services.GetRequiredService<EventLoop>();
        var thrown = new InvalidDataException("a callback broke");

        loop.CallSoonThreadsafe(() => throw thrown);
        await host.StopAsync().WaitAsync(Limit);

        var report = Assert.Single(logs.Entries, e => e.Category == "Coop.EventLoop");
        Assert.Equal(LogLevel.Error, report.Level);
        Assert.Same(thrown, report.Exception);
    }

    [Fact]
    public async Task StartAsync_Twice_Throws()
    {
        using var hosted = new HostedEventLoop([]);
        await hosted.StartAsync(CancellationToken.None).WaitAsync(Limit);

        await Assert.ThrowsAsync<InvalidOperationException>(() => hosted.StartAsync(CancellationToken.None));
        await hosted.StopAsync(CancellationToken.None).WaitAsync(Limit);
        Assert.True(hosted.Loop.IsClosed);
    }

    [Fact]
    public async Task StopAsync_NeverStarted_ReturnsAtOnce()
    {
        using var hosted = new HostedEventLoop([]);

        await hosted.StopAsync(CancellationToken.None).WaitAsync(Limit);

        Assert.False(hosted.Loop.IsRunning);
    }
}
