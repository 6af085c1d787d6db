using CsCheck;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopLifoQueueTests
{
    [Fact]
    public void Get_ReturnsNewestFirst()
    {
        Run(async () =>
        {
            var q = new CoopLifoQueue<int>();
            foreach (var i in new[] { 1, 2, 3 })
            {
                await q.PutAsync(i);
            }

            Assert.Equal(3, await q.GetAsync());
            Assert.Equal(2, await q.GetAsync());
            Assert.Equal(1, await q.GetAsync());
        });
    }

    [Fact]
    public void Property_RandomCancellation_NoItemLostOrDuplicated()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[0, 3], Gen.Int[1, 10], Gen.Int[0, 8], Gen.Int)
            .Sample((p, c, max, per, cancels, seed) =>
                CoopQueueTests.CheckNoLoss(new CoopLifoQueue<int>(max), p, c, per, cancels, seed), iter: 50);
    }
}
