namespace Coop;

/// <summary>The hooks of a <see cref="LoopInstrument"/>, for EventLoop.Notify.</summary>
internal enum InstrumentHook
{
    TaskCreated,
    BeforeTaskStep,
    AfterTaskStep,
    TaskDone,
}
