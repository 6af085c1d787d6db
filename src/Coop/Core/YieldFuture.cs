// What Sleep(0) returns inside a task: a plain yield (asyncio special-cases sleep(0) the same way),
// not a timer.
// A sleep of zero seconds asks for nothing but to let the others run, so it should cost what a
// yield costs: no timer in the heap, no allocation, one trip through the back of the ready queue.
//
// It must stay a Future (Sleep's return type: generators yield it, anything can gather or wait on
// it), so it is one done future per loop, which every combinator and done callback sees as done
// at once, and which the kernel's doors treat as a yield: FutureAwaiter.IsCompleted says false,
// CoopTask.ParkWith (async) and CoopTask.Follow (generators) make the task ready instead of parking
// it. Code outside Coop's tasks (an `async Task` method) that awaits it resumes on the next pass
// through a done callback, also a yield. Done, it cannot be canceled: sharing it harms no one.
namespace Coop;

internal sealed class YieldFuture : Future
{
    internal YieldFuture(EventLoop loop)
        : base(loop)
    {
        SetResultObject(null);
    }

    internal override string Describe() => "Sleep(0)";
}
