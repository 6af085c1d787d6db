using Coop.Hosting;
using Microsoft.Extensions.Logging;

namespace Coop.Examples.Hosting;

/// <summary>Adds five seats every second for as long as the app runs. Its services come by
/// constructor injection; the host cancels it at shutdown, and its finally block still runs.</summary>
internal sealed partial class Restocker(BoxOffice office, ILogger<Restocker> logger) : HostedCoroutine
{
    protected override async Coroutine RunAsync()
    {
        var batches = 0;
        try
        {
            while (true)
            {
                await office.AddAsync(5);
                batches++;
                await Coroutine.Sleep(1.0);
            }
        }
        finally
        {
            LogStopped(logger, batches);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Restocker stopped after {Batches} batch(es).")]
    private static partial void LogStopped(ILogger logger, int batches);
}
