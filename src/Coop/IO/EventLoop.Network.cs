// Which network a loop's high-level calls use (IO/NetworkStack.cs), fixed when the loop is made.
using Coop.IO;

namespace Coop;

public sealed partial class EventLoop
{
    /// <summary>The network behind the high-level calls (Network, SocketStream.ConnectAsync,
    /// SocketListener.Listen, UdpSocket.Bind).</summary>
    internal NetworkStack NetworkStack => Options.NetworkStack ?? SystemNetworkStack.Instance;
}
