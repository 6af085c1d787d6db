#:project ../src/Coop/Coop.csproj
// 06: producers and consumers through a bounded channel (backpressure), ended by closing the sender.
// Run: dotnet run examples/06-pipeline.cs
using Coop;

var sum = EventLoop.Run(Main());
Console.WriteLine($"sum of squares 0..999 = {sum}");

static async Coroutine<long> Main()
{
    var (tx, rx) = CoopChannel.Create<int>(capacity: 8);
    var loop = EventLoop.Current;
    var consumer = loop.CreateTask(Consume(rx));
    await Produce(tx);
    return await consumer;
}

static async Coroutine Produce(ChannelSender<int> tx)
{
    using (tx) // closing the last sender ends the stream for the receivers
    {
        for (var i = 0; i < 1000; i++)
        {
            await tx.SendAsync(i); // waits while 8 items are buffered
        }
    }
}

static async Coroutine<long> Consume(ChannelReceiver<int> rx)
{
    long sum = 0;
    await foreach (var item in rx)
    {
        sum += (long)item * item;
    }

    return sum;
}
