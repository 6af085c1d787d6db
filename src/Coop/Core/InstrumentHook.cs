// Which hook of a LoopInstrument the loop calls: EventLoop.Notify takes one, so that the call and its
// error handling (an instrument that throws is reported, the task goes on) are written once.
namespace Coop;

/// <summary>The hooks of a <see cref="LoopInstrument"/>, for EventLoop.Notify.</summary>
internal enum InstrumentHook
{
    TaskCreated,
    BeforeTaskStep,
    AfterTaskStep,
    TaskWoken,
    TaskDone,
    AwaitedWhileCanceled,
}
