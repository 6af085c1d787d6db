using Coop.Core;
using CsCheck;

namespace Coop.Tests.Streams;

public class ByteRingTests
{
    [Fact]
    public void Property_RandomWritesAndReads_BehaveAsABoundedQueue()
    {
        // A write is (true, size), a read is (false, size); the model is a Queue<byte>.
        Gen.Select(Gen.Int[1, 10_000], Gen.Select(Gen.Bool, Gen.Int[0, 6_000]).List[1, 40])
            .Sample((capacity, operations) =>
            {
                var ring = new ByteRing(capacity);
                var model = new Queue<byte>();
                var next = 0;
                foreach (var (write, size) in operations)
                {
                    if (write)
                    {
                        var data = new byte[size];
                        for (var i = 0; i < size; i++)
                        {
                            data[i] = (byte)((next + i) % 253);
                        }

                        var written = ring.Write(data);
                        Assert.Equal(Math.Min(size, capacity - model.Count), written);
                        for (var i = 0; i < written; i++)
                        {
                            model.Enqueue(data[i]);
                        }

                        next += written;
                    }
                    else
                    {
                        var buffer = new byte[size];
                        var read = ring.Read(buffer);
                        Assert.Equal(Math.Min(size, model.Count), read);
                        for (var i = 0; i < read; i++)
                        {
                            Assert.Equal(model.Dequeue(), buffer[i]);
                        }
                    }

                    Assert.Equal(model.Count, ring.Count);
                    Assert.Equal(capacity - model.Count, ring.Free);
                }
            },
            iter: 100);
    }

    [Fact]
    public void Clear_DropsEveryByte()
    {
        var ring = new ByteRing(16);
        ring.Write([1, 2, 3]);
        ring.Clear();
        Assert.Equal(0, ring.Count);
        Assert.Equal(0, ring.Read(new byte[4]));
        Assert.Equal(2, ring.Write([9, 8]));
        var buffer = new byte[4];
        Assert.Equal(2, ring.Read(buffer));
        Assert.Equal([9, 8], buffer[..2]);
    }
}
