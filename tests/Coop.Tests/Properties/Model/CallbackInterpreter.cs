// Runs a CallbackNode program on a real EventLoop (with a JumpClock) and writes the log that
// CallbackLoopModel predicts: which callback ran at which loop time, which handle it canceled, and
// what the loop's exception handler received.
using System.Globalization;

namespace Coop.Tests.Properties.Model;

public sealed class CallbackInterpreter : IDisposable
{
    private readonly EventLoop _loop;
    private readonly JumpClock _clock;
    private readonly List<Handle> _handles = new();

    public CallbackInterpreter()
    {
        _clock = new JumpClock();
        _loop = new EventLoop(_clock);
        _loop.ExceptionHandler = (_, error) => Log.Add("report: " + error.Exception?.Message);
    }

    public List<string> Log { get; } = new();

    public void Dispose() => _loop.Dispose();

    public void Run(CallbackNode[] roots)
    {
        using (_loop)
        {
            for (var i = 0; i < roots.Length; i++)
            {
                Schedule(roots[i], "c" + i.ToString(CultureInfo.InvariantCulture));
            }

            JumpClock.RunUntilIdle(_loop);
        }
    }

    private void Execute(CallbackNode node, string path)
    {
        Log.Add($"run {path} @{_clock.Now}");
        if (node.CancelHandle >= 0 && node.CancelHandle < _handles.Count)
        {
            _handles[node.CancelHandle].Cancel();
            Log.Add($"cancel h{node.CancelHandle}");
        }

        for (var i = 0; i < node.Children.Length; i++)
        {
            Schedule(node.Children[i], CallbackProgramGen.ChildPath(path, i));
        }

        if (node.Throws)
        {
            throw new ProgramException("cb " + path);
        }
    }

    private void Schedule(CallbackNode node, string path)
    {
        switch (node.Kind)
        {
            case CallbackKind.Soon:
                _handles.Add(_loop.CallSoon(() => Execute(node, path)));
                break;
            case CallbackKind.Later:
                _handles.Add(_loop.CallLater(node.DelayMs / 1000.0, () => Execute(node, path)));
                break;
            default:
                _loop.CallSoonThreadsafe(() => Execute(node, path));
                break;
        }
    }
}
