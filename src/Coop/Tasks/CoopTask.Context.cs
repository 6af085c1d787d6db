// Each task has its own ExecutionContext, so AsyncLocal values (ILogger scopes, Activity.Current,
// a request id) set in one task are not seen by the tasks and callbacks the loop runs next: asyncio
// gives each task a copy of its contextvars in the same way. A new task starts with the context of
// the code that created it. Between steps the loop thread is back in its base context (the one it
// was started in).
//
// Cheap on purpose, since most tasks never set an AsyncLocal: a step reads the thread's context
// field once at its end and compares references (Core/ExecutionContextSlot.cs); only a task whose
// context differs from the loop's keeps one (in its side object) and has it restored around steps.
using System.Runtime.CompilerServices;
using Coop.Core;

namespace Coop;

public partial class CoopTask
{
    /// <summary>At creation: the task inherits the creator's AsyncLocal values, if it has any (not
    /// where execution-context flow is suppressed: then the loop keeps no contexts at all).</summary>
    private void InheritContext()
    {
        var loop = Loop;
        if (loop.ContextThread is { } loopThread)
        {
            // Made while the loop runs, on its thread (CreateTask checks that): one field read
            // decides, as after a step, instead of a capture per task.
            if (ExecutionContextSlot.Read(loopThread) != loop.BaseContextField)
            {
                MoreState.Context = ExecutionContext.Capture();
            }

            return;
        }

        var creator = ExecutionContext.Capture();
        if (creator != null && loop.BaseContext != null && creator != loop.BaseContext)
        {
            MoreState.Context = creator;
        }
    }

    /// <summary>Before a step: puts the task's own context in place, if it has one. Returns the
    /// thread's context field as the step starts, to compare with after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ExecutionContext? EnterContext(Thread loopThread)
    {
        var own = _extras?.Context;
        if (own == null)
        {
            return Loop.BaseContextField;
        }

        ExecutionContext.Restore(own);
        return ExecutionContextSlot.Read(loopThread);
    }

    /// <summary>After a step: keeps what the step left as the task's context and puts the loop's
    /// back. The common case, no AsyncLocal anywhere, is one field read and one comparison.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void LeaveContext(Thread loopThread, ExecutionContext? atStart)
    {
        var now = ExecutionContextSlot.Read(loopThread);
        if (now != atStart)
        {
            KeepContext(now);
        }
        else if (_extras?.Context != null)
        {
            ExecutionContext.Restore(Loop.BaseContext!);
        }
    }

    private void KeepContext(ExecutionContext? now)
    {
        var loop = Loop;
        if (now == loop.BaseContextField)
        {
            _extras!.Context = null; // the step took its AsyncLocal values back off
            return;
        }

        MoreState.Context = ExecutionContext.Capture();
        ExecutionContext.Restore(loop.BaseContext!);
    }
}
