// A task's await chain, read from the frames the kernel keeps: an async task's innermost coroutine
// links outward to the frame that awaits it, up to the task's root (Coroutine.AwaitedBy); a generator
// task keeps its iterators on a stack (GeneratorTask.Frames). Read on the loop thread, or while the
// loop is stopped or stalled.
using Coop.CompilerServices;

namespace Coop.Diagnostics;

internal static class AwaitChain
{
    /// <summary>The frames of <paramref name="task"/>, outermost first; empty once it is done.</summary>
    public static List<CoroutineFrame> Of(CoopTask task) => FrameObjects(task).ConvertAll(SourceLines.Describe);

    /// <summary>The frame objects themselves, outermost first.</summary>
    public static List<object> FrameObjects(CoopTask task)
    {
        var frames = new List<object>();
        if (task is GeneratorTask generator)
        {
            frames.AddRange(generator.Frames());
            return frames;
        }

        // Walk outward from the innermost; a chain that ordinary async code interrupts (an Action
        // awaits the coroutine) ends there. The bound stops a corrupt chain from looping.
        for (object? frame = task.Innermost; frame != null && frames.Count < 100_000; frame = (frame as Coroutine)?.AwaitedBy)
        {
            if (frame is Action)
            {
                break;
            }

            frames.Add(frame);
            if (frame == task)
            {
                break; // the root: an async task is its root frame
            }
        }

        frames.Reverse();
        return frames;
    }

    /// <summary>The innermost frame object (what runs when the task runs), or null.</summary>
    public static object? Innermost(CoopTask task) => task.Innermost is Action ? null : task.Innermost;
}
