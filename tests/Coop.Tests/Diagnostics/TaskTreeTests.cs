using System.Runtime.CompilerServices;
using System.Text.Json;
using Coop.Tests.Support;

namespace Coop.Tests.Diagnostics;

/// <summary>The task tree of a dump in debug mode: tasks hold the scopes they are inside and the
/// groups they opened, groups hold the tasks they started (asyncio's pstree).</summary>
public class TaskTreeTests
{
    private static EventLoopOptions Debug() => new() { Debug = true, Logger = new ListLogger() };

    private static async Coroutine Pass() => await Coroutine.Yield();

    private static async Coroutine Waits(CoopEvent go) => await go.WaitAsync();

    /// <summary>main starts a background task, then opens a group inside a scope with a deadline and
    /// dumps the loop from the group's body.</summary>
    private static async Coroutine ScopeGroupAndBackground(CoopEvent go, StrongBox<TaskDump?> dump)
    {
        var loop = EventLoop.Current;
        _ = loop.CreateTask(Waits(go), "background");
        await CancelScope.MoveOnAfter(1000, async _ =>
        {
            await TaskGroup.Run(async group =>
            {
                group.Start(Waits(go), "child-a");
                group.Start(Waits(go), "child-b");
                await Coroutine.Yield();
                dump.Value = TaskDump.Capture(loop);
                go.Set();
            });
        });
    }

    private static TaskDump DumpOf(Func<CoopEvent, StrongBox<TaskDump?>, Coroutine> main, EventLoopOptions options) =>
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(options);
            var dump = new StrongBox<TaskDump?>();
            loop.RunUntilComplete(loop.CreateTask(main(new CoopEvent(), dump), "main"));
            loop.RunUntilComplete(Pass());
            return dump.Value!;
        });

    [Fact]
    public void ToText_AGroupOpenedInsideAScope_NestsTheScopeTheGroupAndItsChildrenUnderTheTask()
    {
        var text = DumpOf(ScopeGroupAndBackground, Debug()).ToText();

        Assert.Matches(
            @"Task tree \(who started whom\):\r?\n" +
            @"└── task \d+ \('main'\) Running\r?\n" +
            @"    ├── cancel scope \d+ \(deadline [\d.]+\)\r?\n" +
            @"    │   └── task group \d+ \(open, 2 children\)\r?\n" +
            @"    │       ├── task \d+ \('child-a'\) Waiting\r?\n" +
            @"    │       └── task \d+ \('child-b'\) Waiting\r?\n" +
            @"    └── task \d+ \('background'\) Waiting\r?\n",
            text);
    }

    [Fact]
    public void ToJson_AGroupOpenedInsideAScope_CarriesTheSameTree()
    {
        var json = DumpOf(ScopeGroupAndBackground, Debug()).ToJson();

        using var document = JsonDocument.Parse(json);
        var main = Assert.Single(document.RootElement.GetProperty("tree").EnumerateArray());
        Assert.Equal("task", main.GetProperty("kind").GetString());
        var (scope, background) = (main.GetProperty("children")[0], main.GetProperty("children")[1]);
        Assert.Equal("scope", scope.GetProperty("kind").GetString());
        Assert.Contains("('background')", background.GetProperty("text").GetString(), StringComparison.Ordinal);
        var group = Assert.Single(scope.GetProperty("children").EnumerateArray());
        Assert.Equal("group", group.GetProperty("kind").GetString());
        var children = group.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal(["child-a", "child-b"], children.Select(c => c.GetProperty("text").GetString()!.Split('\'')[1]));
        Assert.All(children, c => Assert.Empty(c.GetProperty("children").EnumerateArray()));
    }

    [Fact]
    public void ToJson_NotInDebugMode_HasNoTreeAndTheTextNone()
    {
        var dump = DumpOf(ScopeGroupAndBackground, new EventLoopOptions { Debug = false });

        using var document = JsonDocument.Parse(dump.ToJson());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("tree").ValueKind);
        Assert.DoesNotContain("Task tree", dump.ToText(), StringComparison.Ordinal);
    }

    private static async Coroutine GroupWhoseBodyEnded(CoopEvent go) =>
        await TaskGroup.Run(async group =>
        {
            group.Start(Waits(go), "child");
            await Coroutine.Yield();
        });

    private static async Coroutine Observes(CoopEvent go, StrongBox<TaskDump?> dump)
    {
        for (var i = 0; i < 5; i++)
        {
            await Coroutine.Yield();
        }

        dump.Value = TaskDump.Capture(EventLoop.Current);
        go.Set();
    }

    [Fact]
    public void ToText_AGroupWaitingForItsChildrenAfterItsBody_IsClosingUnderItsTask()
    {
        var text = Bounded.Run(() =>
        {
            using var loop = new EventLoop(Debug());
            var go = new CoopEvent();
            var dump = new StrongBox<TaskDump?>();
            var observer = loop.CreateTask(Observes(go, dump), "observer");
            loop.RunUntilComplete(loop.CreateTask(GroupWhoseBodyEnded(go), "main"));
            loop.RunUntilComplete(observer);
            return dump.Value!.ToText();
        });

        Assert.Matches(
            @"└── task \d+ \('main'\) Waiting\r?\n" +
            @"    └── task group \d+ \(closing, 1 child\)\r?\n" +
            @"        └── task \d+ \('child'\) Waiting\r?\n",
            text);
        Assert.Matches(@"(├|└)── task \d+ \('observer'\) Running\r?\n", text);
    }
}
