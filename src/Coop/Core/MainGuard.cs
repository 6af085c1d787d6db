// What EventLoop.Run puts around its main task so that Ctrl+C and SIGTERM can cancel it. The kernel
// owns the shape and knows nothing of signals: the Processes layer installs the factory when the
// runtime's module loads (Processes/Interruption.cs), so Run calls down into a hook it owns, never up.
namespace Coop.Core;

/// <summary>Run's guard around one main task: told when main ended canceled, asked afterwards whether
/// the program was interrupted.</summary>
internal abstract class MainGuard : IDisposable
{
    /// <summary>Makes the guard for a main task (null: no guard). Set once, at module load, by the
    /// layer that handles signals.</summary>
    internal static Func<EventLoop, CoopTask, MainGuard>? Factory { get; set; }

    /// <summary>True once a signal asked for main to be canceled.</summary>
    public abstract bool Interrupted { get; }

    /// <summary>Main ended with <paramref name="canceled"/> after <see cref="Interrupted"/> became true.</summary>
    public abstract void MainCanceled(CanceledException canceled);

    /// <summary>Called after the leftover tasks ran to their end: throws the interruption, if there
    /// was one (closing the loop first, since an uncaught exception runs no finally block).</summary>
    public abstract void ThrowIfInterrupted();

    /// <summary>Stops guarding (removes the signal handlers).</summary>
    public abstract void Dispose();
}
