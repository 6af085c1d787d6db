using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

public class CoopTaskGeneratorTests
{
    private static IEnumerable<object?> YieldTwice(Future future, List<string> log)
    {
        log.Add("first");
        yield return future;
        log.Add("second");
        yield return future;
        log.Add("after");
        yield return Coroutine.Return(future.ResultObject);
    }

    [Fact]
    public void Step_YieldsFutureAlreadyDone_ContinuesWithoutParking()
    {
        var log = new List<string>();
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var done = loop.CreateFuture();
            done.SetResultObject(42);
            return loop.RunUntilComplete(YieldTwice(done, log));
        });

        Assert.Equal(42, result);
        Assert.Equal(["first", "second", "after"], log);
    }

    [Fact]
    public void Step_YieldsFutureAlreadyFailed_RaisesItsErrorInTheFrame()
    {
        static IEnumerable<object?> ReadFailed(Future failed)
        {
            yield return failed;
            yield return Coroutine.Return(failed.ResultObject); // throws the future's error
        }

        var error = Assert.Throws<InvalidOperationException>(() => Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var failed = loop.CreateFuture();
            failed.SetException(new InvalidOperationException("boom"));
            loop.RunUntilComplete(ReadFailed(failed));
        }));

        Assert.Equal("boom", error.Message);
    }
}
