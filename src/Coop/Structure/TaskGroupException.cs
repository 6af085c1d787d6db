namespace Coop;

/// <summary>
/// How a <see cref="TaskGroup"/> reports failure: every error of its children, and the body's own,
/// each the original exception with its stack trace (asyncio's <c>ExceptionGroup</c>, Trio's
/// exception groups). The cancellations the group itself caused are left out.
/// </summary>
/// <remarks>It is always a group, even with one error, so that <c>catch</c> code does not depend on
/// how many children failed: look at <see cref="AggregateException.InnerExceptions"/>.</remarks>
public sealed class TaskGroupException : AggregateException
{
    /// <summary>Creates an empty group exception (for serializers and tests).</summary>
    public TaskGroupException()
        : base("A task group failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TaskGroupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and one inner exception.</summary>
    public TaskGroupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception holding every error, in the order they happened.</summary>
    public TaskGroupException(IEnumerable<Exception> errors)
        : base(Describe(errors as IReadOnlyCollection<Exception> ?? errors.ToList()), errors)
    {
    }

    private static string Describe(IReadOnlyCollection<Exception> errors) =>
        errors.Count == 1
            ? "A task group failed: 1 error (see InnerExceptions)."
            : $"A task group failed: {errors.Count} errors (see InnerExceptions).";
}
