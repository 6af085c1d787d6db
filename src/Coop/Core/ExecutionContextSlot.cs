// The calling thread's current ExecutionContext, read from Thread's own field. A task step needs to
// know whether the step changed it (an AsyncLocal was set), and ExecutionContext.Capture() costs
// ~6.6 ns here (a thread-static read through the runtime's slow path with tiering off): half a task
// switch. The field read costs ~0.3 ns. If a runtime has no such field, Readable is false and the
// loop does not give tasks contexts of their own (as before session 3).
using System.Runtime.CompilerServices;

namespace Coop.Core;

internal static class ExecutionContextSlot
{
    /// <summary>True if the field can be read on this runtime.</summary>
    public static bool Readable { get; } = Probe();

    /// <summary>The current context of <paramref name="thread"/>, which must be the calling thread:
    /// null while it runs in the default context.</summary>
    public static ExecutionContext? Read(Thread thread) => Field(thread);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_executionContext")]
    private static extern ref ExecutionContext? Field(Thread thread);

    private static bool Probe()
    {
        try
        {
            _ = Field(Thread.CurrentThread);
            return true;
        }
        catch (MissingFieldException)
        {
            return false;
        }
    }
}
