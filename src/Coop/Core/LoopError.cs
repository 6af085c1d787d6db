namespace Coop;

/// <summary>An error the loop could not give to anyone who awaits: what it passes to the exception
/// handler (asyncio's handler context).</summary>
/// <param name="Message">What happened.</param>
/// <param name="Exception">The exception, if there is one.</param>
/// <param name="Task">The task it concerns, if any.</param>
/// <param name="Callback">The callback it concerns, if any.</param>
/// <param name="Future">The future it concerns, if that is a plain future (a task's is <paramref name="Task"/>).</param>
public sealed record LoopError(string Message, Exception? Exception, CoopTask? Task, Delegate? Callback, Future? Future = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        (Task ?? Future) is { } about ? $"{Message} ({about})\n{Exception}" : $"{Message}\n{Exception}";
}
