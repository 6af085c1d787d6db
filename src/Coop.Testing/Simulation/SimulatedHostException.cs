namespace Coop.Testing;

/// <summary>The software of a simulated host failed (threw, other than by a crash the simulation
/// made): the run fails with this exception, whose inner exception is what the host threw.</summary>
public sealed class SimulatedHostException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public SimulatedHostException()
        : base("The software of a simulated host failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SimulatedHostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public SimulatedHostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The host whose software failed (null when made by the public constructors).</summary>
    public string? Host { get; private init; }

    internal static SimulatedHostException For(string host, Exception error) =>
        new($"Host '{host}' failed: {error.GetType().Name}: {error.Message}", error) { Host = host };
}
