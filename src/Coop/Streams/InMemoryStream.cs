// One end of an in-memory stream pair (StreamPair.cs): it receives from one pipe and sends into the
// other (BytePipe.cs holds the behaviour; this file only wires an end to its two pipes).
namespace Coop.Core;

internal sealed class InMemoryStream(BytePipe incoming, BytePipe outgoing, string name) : ByteStream
{
    public override Coroutine<int> ReceiveAsync(Memory<byte> buffer) => incoming.ReceiveAsync(buffer, this);

    public override Coroutine SendAllAsync(ReadOnlyMemory<byte> data) => outgoing.SendAllAsync(data, this);

#pragma warning disable CS1998 // a cold coroutine whose body never waits: nothing happens until it is awaited
    public override async Coroutine SendEofAsync() => outgoing.SendEof(this);

    public override async Coroutine CloseAsync() => Close();
#pragma warning restore CS1998

    public override void Abort()
    {
        outgoing.ResetWriter(this);
        incoming.ResetReader(this);
    }

    public override string ToString() => $"<{name}: receives from a {incoming}; sends into a {outgoing}>";

    private void Close()
    {
        outgoing.CloseWriter(this);
        incoming.CloseReader(this);
    }
}
