// The four diagnostics, their IDs and texts in one place; docs/diagnostics.md explains each.
using Microsoft.CodeAnalysis;

namespace Coop.Analyzers;

/// <summary>The diagnostics Coop's analyzers report.</summary>
public static class CoopDiagnostics
{
    /// <summary>COOP001: a blocking call inside a coroutine.</summary>
    public const string BlockingCallId = "COOP001";

    /// <summary>COOP002: a coroutine created and dropped.</summary>
    public const string DroppedCoroutineId = "COOP002";

    /// <summary>COOP003: a generator yields a value the scheduler does not understand.</summary>
    public const string UnknownYieldId = "COOP003";

    /// <summary>COOP004: a plain .NET Task awaited inside a coroutine.</summary>
    public const string BclTaskAwaitId = "COOP004";

    private const string Category = "Coop";

    /// <summary>COOP001.</summary>
    public static readonly DiagnosticDescriptor BlockingCall = new(
        BlockingCallId,
        title: "Blocking call inside a coroutine",
        messageFormat: "'{0}' blocks the loop thread inside coroutine '{1}', and no other task runs until it returns: {2}",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A coroutine runs on the loop's one thread; a call that blocks that thread stalls every task on the loop. " +
            "Everything a coroutine calls must be non-blocking: sleep with Coroutine.Sleep, await instead of waiting, " +
            "and bring blocking or .NET asynchronous work in through Coroutine.FromTask or Coroutine.ToThread.");

    /// <summary>COOP002.</summary>
    public static readonly DiagnosticDescriptor DroppedCoroutine = new(
        DroppedCoroutineId,
        title: "Coroutine created and never run",
        messageFormat: "The {0} returned by '{1}' is dropped and never runs, since Coop's coroutines start cold: {2}",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Calling an async Coroutine method or a generator only creates the coroutine; it runs when it is awaited, " +
            "yielded, or started as a task. Dropped, it does nothing, and nothing says so at run time.");

    /// <summary>COOP003.</summary>
    public static readonly DiagnosticDescriptor UnknownYield = new(
        UnknownYieldId,
        title: "Generator coroutine yields a value the scheduler does not understand",
        messageFormat: "Generator coroutine '{0}' yields a '{1}', which a Coop task cannot follow and fails on: {2}",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A generator coroutine may yield null (hand control back), Coroutine.Return(value) (end with a value), " +
            "a Future such as a task or Coroutine.Sleep(s) (wait for it), another generator or Coroutine.Call<T>(generator) " +
            "(yield from). Anything else fails the task with an InvalidOperationException.");

    /// <summary>COOP004.</summary>
    public static readonly DiagnosticDescriptor BclTaskAwait = new(
        BclTaskAwaitId,
        title: "A .NET Task awaited directly cannot be canceled",
        messageFormat: "Awaiting a '{0}' directly in coroutine '{1}' cannot be canceled before it ends: {2}",
        Category,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "An await of a plain Task parks the Coop task until the Task ends; Cancel(), a cancel scope or a WaitFor " +
            "timeout reach it only afterwards. Awaited through Coroutine.FromTask, the wait ends at once on cancellation, " +
            "and the Func<CancellationToken, Task> form cancels the operation itself too.");
}
