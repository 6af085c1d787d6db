// A reference model of how the event loop orders callbacks, written from asyncio's _run_once and
// independent of Coop's code: one iteration waits (here: jumps the clock) to the next live deadline
// when nothing is ready, takes in the inbox, moves every due timer to the ready queue ordered by
// (deadline, scheduling sequence), then runs exactly the callbacks that were ready when the pass
// began, skipping canceled ones. It writes the same log as CallbackInterpreter.
namespace Coop.Tests.Properties.Model;

public sealed class CallbackLoopModel
{
    private sealed class Item(CallbackNode node, string path)
    {
        public CallbackNode Node { get; } = node;

        public string Path { get; } = path;

        public bool Canceled { get; set; }
    }

    private sealed record Timer(long Due, long Sequence, Item Item);

    private readonly Queue<Item> _ready = new();
    private readonly List<Timer> _timers = new();
    private readonly List<Item> _inbox = new();
    private readonly List<Item> _handles = new();
    private long _now;
    private long _sequence;

    public List<string> Log { get; } = new();

    public void Run(CallbackNode[] roots)
    {
        for (var i = 0; i < roots.Length; i++)
        {
            Schedule(roots[i], "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        while (true)
        {
            if (_ready.Count == 0 && _inbox.Count == 0)
            {
                var live = _timers.Where(t => !t.Item.Canceled).ToList();
                if (live.Count == 0)
                {
                    return;
                }

                _now = Math.Max(_now, live.Min(t => t.Due));
            }

            foreach (var posted in _inbox)
            {
                _ready.Enqueue(posted);
            }

            _inbox.Clear();
            var due = _timers.Where(t => t.Due <= _now).OrderBy(t => t.Due).ThenBy(t => t.Sequence).ToList();
            foreach (var timer in due)
            {
                _timers.Remove(timer);
                if (!timer.Item.Canceled)
                {
                    _ready.Enqueue(timer.Item);
                }
            }

            for (var n = _ready.Count; n > 0; n--)
            {
                var item = _ready.Dequeue();
                if (!item.Canceled)
                {
                    Execute(item);
                }
            }
        }
    }

    private void Execute(Item item)
    {
        Log.Add($"run {item.Path} @{_now}");
        var node = item.Node;
        if (node.CancelHandle >= 0 && node.CancelHandle < _handles.Count)
        {
            _handles[node.CancelHandle].Canceled = true;
            Log.Add($"cancel h{node.CancelHandle}");
        }

        for (var i = 0; i < node.Children.Length; i++)
        {
            Schedule(node.Children[i], CallbackProgramGen.ChildPath(item.Path, i));
        }

        if (node.Throws)
        {
            Log.Add("report: cb " + item.Path);
        }
    }

    private void Schedule(CallbackNode node, string path)
    {
        var item = new Item(node, path);
        switch (node.Kind)
        {
            case CallbackKind.Soon:
                _ready.Enqueue(item);
                _handles.Add(item);
                break;
            case CallbackKind.Later:
                _timers.Add(new Timer(_now + Math.Max(0, node.DelayMs), _sequence++, item));
                _handles.Add(item);
                break;
            default:
                _inbox.Add(item);
                break;
        }
    }
}
