// The record every chooser keeps: each choice it made, with what ran and what FIFO would have run,
// in words a person can read (ScheduleChoice). Labels name tasks by their Name, so a trace reads
// best when the program names its tasks.
using Coop.Core;

namespace Coop.Testing;

internal sealed class ChoiceTrace
{
    private readonly List<ScheduleChoice> _choices = new();

    public IReadOnlyList<ScheduleChoice> Choices => _choices;

    public int Count => _choices.Count;

    public int Record(ReadyQueue ready, int candidates, int index)
    {
        _choices.Add(new ScheduleChoice(_choices.Count + 1, index, candidates, Label(ready.Peek(index)), Label(ready.Peek(0))));
        return index;
    }

    internal static string Label(ReadyItem item) => item.State switch
    {
        CoopTask task => $"task '{task.Name}'",
        TimerFuture { FirstWaiter: CoopTask sleeper } sleep => $"the {sleep.Describe()} timer of task '{sleeper.Name}'",
        TimerFuture sleep => $"a {sleep.Describe()} timer no task waits on",
        Handle handle => "callback " + handle.ToString(),
        _ => "callback " + item.Name,
    };
}
