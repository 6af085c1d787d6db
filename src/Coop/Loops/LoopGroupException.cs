namespace Coop;

/// <summary>Raised by <see cref="LoopGroup.Wait()"/> and <see cref="LoopGroup.Shutdown"/> when one or
/// more loops failed; the message names each failed loop.</summary>
public sealed class LoopGroupException : AggregateException
{
    /// <summary>Creates the exception for <paramref name="failures"/>.</summary>
    public LoopGroupException(IReadOnlyList<LoopFailure> failures)
        : base(Describe(failures ?? throw new ArgumentNullException(nameof(failures))), failures.Select(f => f.Exception))
    {
        Failures = failures;
    }

    /// <summary>Each loop that failed, in the order the failures happened.</summary>
    public IReadOnlyList<LoopFailure> Failures { get; }

    private static string Describe(IReadOnlyList<LoopFailure> failures) =>
        $"{failures.Count} loop(s) of the group failed: " + string.Join("; ", failures);
}
