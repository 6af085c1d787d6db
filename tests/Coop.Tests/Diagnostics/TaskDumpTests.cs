using System.Runtime.CompilerServices;
using System.Text.Json;
using Coop.Tests.Support;

namespace Coop.Tests.Diagnostics;

public class TaskDumpTests
{
    private static async Coroutine Pass() => await Coroutine.Yield();

    private static int Here([CallerLineNumber] int line = 0) => line;

    private static async Coroutine Inner(Future never, StrongBox<int> line)
    {
        line.Value = Here(); await never;
    }

    private static async Coroutine Outer(Future never, StrongBox<int> innerLine, StrongBox<int> outerLine)
    {
        outerLine.Value = Here(); await Inner(never, innerLine);
    }

    private static IEnumerable<object?> GeneratorInner(Future never)
    {
        yield return never;
    }

    private static IEnumerable<object?> GeneratorOuter(Future never)
    {
        yield return GeneratorInner(never);
    }

    [Fact]
    public void Capture_AsyncTaskWaitingTwoFramesDeep_ListsItsChainOutermostFirstWithTheAwaitLines()
    {
        var (dump, innerLine, outerLine) = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var never = loop.CreateFuture();
            var inner = new StrongBox<int>();
            var outer = new StrongBox<int>();
            loop.CreateTask(Outer(never, inner, outer), "deep");
            loop.RunUntilComplete(Pass());
            var result = TaskDump.Capture(loop);
            never.Cancel();
            loop.RunUntilComplete(Pass());
            return (result, inner.Value, outer.Value);
        });

        var task = Assert.Single(dump.Tasks);
        Assert.Equal("deep", task.Name);
        Assert.Equal(CoopTaskStatus.Waiting, task.Status);
        Assert.Equal(2, task.AwaitChain.Count);
        Assert.Equal("TaskDumpTests.Outer", task.AwaitChain[0].Method);
        Assert.Equal(outerLine, task.AwaitChain[0].Line);
        Assert.Equal("TaskDumpTests.Inner", task.AwaitChain[1].Method);
        Assert.Equal(innerLine, task.AwaitChain[1].Line);
        Assert.EndsWith("TaskDumpTests.cs", task.AwaitChain[1].File, StringComparison.Ordinal);
    }

    [Fact]
    public void Capture_GeneratorTaskDelegatingWithYieldFrom_ListsBothIterators()
    {
        var dump = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var never = loop.CreateFuture();
            loop.CreateTask(GeneratorOuter(never), "gen");
            loop.RunUntilComplete(Pass());
            var result = TaskDump.Capture(loop);
            never.Cancel();
            loop.RunUntilComplete(Pass());
            return result;
        });

        var task = Assert.Single(dump.Tasks);
        Assert.Equal(["TaskDumpTests.GeneratorOuter", "TaskDumpTests.GeneratorInner"], task.AwaitChain.Select(f => f.Method));
        Assert.All(task.AwaitChain, f => Assert.True(f.Line > 0, $"{f} has a line"));
        Assert.Equal("a future nobody named", task.WaitingOn);
    }

    [Fact]
    public void Capture_FromAnotherThreadWhileTheLoopRuns_Throws()
    {
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var error = new StrongBox<Exception?>();
            loop.RunUntilComplete(CaptureOffThread(loop, error));
            Assert.IsType<InvalidOperationException>(error.Value);
        });
    }

    private static async Coroutine CaptureOffThread(EventLoop loop, StrongBox<Exception?> error) =>
        await Coroutine.FromTask(Task.Run(() => { error.Value = Record.Exception(() => TaskDump.Capture(loop)); }));

    [Fact]
    public void ToJson_ATaskWaitingOnAnother_CarriesIdsChainAndEdge()
    {
        var json = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var never = loop.CreateFuture();
            var callee = loop.CreateTask(Outer(never, new StrongBox<int>(), new StrongBox<int>()), "callee");
            loop.CreateTask(AwaitTask(callee), "caller");
            loop.RunUntilComplete(Pass());
            var text = TaskDump.Capture(loop).ToJson();
            never.Cancel();
            loop.RunUntilComplete(Pass());
            return (text, callee.Id);
        });

        using var document = JsonDocument.Parse(json.text);
        var tasks = document.RootElement.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(2, tasks.Count);
        var caller = tasks.Single(t => t.GetProperty("name").GetString() == "caller");
        Assert.Equal(json.Id, caller.GetProperty("waitsForTask").GetInt32());
        Assert.Equal("Waiting", caller.GetProperty("status").GetString());
        Assert.Equal("TaskDumpTests.AwaitTask", caller.GetProperty("awaitChain")[0].GetProperty("method").GetString());
        Assert.Empty(document.RootElement.GetProperty("cycles").EnumerateArray());
    }

    private static async Coroutine AwaitTask(CoopTask task) => await task;

    [Fact]
    public void ToText_InDebugMode_ShowsTheTaskTree()
    {
        var text = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new EventLoopOptions { Debug = true, Logger = new ListLogger() });
            var never = loop.CreateFuture();
            loop.CreateTask(Parent(loop, never), "parent");
            loop.RunUntilComplete(Pass());
            loop.RunUntilComplete(Pass());
            var result = TaskDump.Capture(loop).ToText();
            never.Cancel();
            loop.RunUntilComplete(Pass());
            return result;
        });

        var tree = text[text.IndexOf("Task tree (who started whom):", StringComparison.Ordinal)..text.IndexOf("Wait-for graph:", StringComparison.Ordinal)];
        Assert.Matches(@"\n└── task \d+ \('parent'\) Waiting\r?\n    └── task \d+ \('child'\) Waiting\r?\n", tree);
    }

    private static async Coroutine Parent(EventLoop loop, Future never)
    {
        var child = loop.CreateTask(Child(never), "child");
        await child;
    }

    private static async Coroutine Child(Future never) => await never;
}
