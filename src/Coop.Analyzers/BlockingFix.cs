namespace Coop.Analyzers;

/// <summary>Which rewrite the code fix for COOP001 makes (carried in the diagnostic's properties).</summary>
public enum BlockingFix
{
    /// <summary>No rewrite is clear enough to offer; the message says what to use.</summary>
    None,

    /// <summary><c>Thread.Sleep(ms)</c> becomes <c>Coroutine.Sleep(seconds)</c>.</summary>
    Sleep,

    /// <summary><c>task.Wait()</c>, <c>task.Result</c>, <c>task.GetAwaiter().GetResult()</c> become an
    /// await of <c>Coroutine.FromTask(task)</c>.</summary>
    AwaitTask,

    /// <summary><c>Task.WaitAll(tasks)</c> becomes an await of <c>Coroutine.FromTask(Task.WhenAll(tasks))</c>.</summary>
    WhenAll,

    /// <summary><c>x.M(args)</c> becomes an await of <c>Coroutine.FromTask(token =&gt; x.MAsync(args, token))</c>.</summary>
    AsyncCounterpart,
}
