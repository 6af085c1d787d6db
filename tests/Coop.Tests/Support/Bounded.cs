using System.Runtime.ExceptionServices;

namespace Coop.Tests.Support;

/// <summary>Runs a test body on its own thread and fails the test if it takes longer than the bound,
/// so a hung loop fails instead of stalling CI. The bound is a safety net, not a measurement: it is
/// generous, because a property test of a few seconds on a quiet machine can take ten times that on a
/// loaded one.</summary>
public static class Bounded
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(60);

    public static void Run(Action body, TimeSpan? limit = null)
    {
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                error = ExceptionDispatchInfo.Capture(ex);
            }
        })
        { IsBackground = true, Name = "bounded test body" };
        thread.Start();
        if (!thread.Join(limit ?? DefaultLimit))
        {
            Assert.Fail($"The test body did not finish within {(limit ?? DefaultLimit).TotalSeconds} s: a loop hung.");
        }

        error?.Throw();
    }

    public static T Run<T>(Func<T> body, TimeSpan? limit = null)
    {
        T result = default!;
        Run(() => { result = body(); }, limit);
        return result;
    }
}
