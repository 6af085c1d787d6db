// TLS over any Coop stream, through .NET's SslStream: no cryptography here (Trio's SSLStream is the
// anchor for the behaviour). The layers, each on the loop thread:
//   TlsStream (this, a ByteStream)
//     -> ByteStreamOverStream over the SslStream: cancel-safe receives, copied sends
//       -> SslStream: the handshake, records, alerts
//         -> StreamOverByteStream (transport.AsStream): each inner read or write is a task of the loop
//           -> the transport ByteStream (a socket, an in-memory pair, a ByteStreamReader, ...)
// SslStream awaits its inner stream with ConfigureAwait(false); the inner stream completes on the
// loop thread, so SslStream's code resumes there, inline (LoopValueTaskSource.cs), and the whole
// exchange is one thread and deterministic under a virtual clock.
//
// Ownership: the TlsStream owns its transport from the moment the handshake starts. If the
// handshake fails, the transport is closed (gracefully, so the peer gets the TLS alert SslStream
// sent); if it is canceled or times out, the transport is aborted (it is half-way through a
// handshake: nothing can use it).
//
// Closing: CloseAsync sends close_notify when it can (best effort: a peer that is already gone is
// not an error for a close, as in Trio), then closes the transport, without waiting for the peer's
// close_notify. SendEofAsync sends close_notify and half-closes the transport: TLS 1.3 lets the
// peer go on sending after it, and SslStream lets this side go on receiving.
using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Coop.Core;

namespace Coop;

/// <summary>
/// A TLS session over any <see cref="ByteStream"/> (a socket, an in-memory pair, ...), built on .NET's
/// <see cref="SslStream"/>: <c>await TlsStream.AuthenticateAsClientAsync(transport, "example.com")</c>
/// or <c>await TlsStream.AuthenticateAsServerAsync(transport, certificate)</c>.
/// </summary>
/// <remarks>
/// <para>It keeps the <see cref="ByteStream"/> contract: a receive is cancel-safe (a canceled or
/// timed-out receive consumes nothing, and the stream stays usable: decrypted bytes wait for the next
/// receive); a send returns when the transport has taken the encrypted bytes, and a send canceled
/// part-way breaks the send side.</para>
/// <para>End of stream: a receive returns 0 when the peer sent close_notify, and also when the
/// transport ended without one (SslStream does not report a truncation: protocols that need to tell
/// must frame their messages, as HTTP does with Content-Length). The transport ending in the middle
/// of a TLS record raises <see cref="IOException"/>.</para>
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A byte stream, like ByteStream: the name .NET users look for next to SslStream.")]
public sealed class TlsStream : ByteStream
{
    private readonly ByteStream _transport;
    private readonly SslStream _ssl;
    private readonly ByteStreamOverStream _io;

    private TlsStream(ByteStream transport, SslStream ssl)
    {
        _transport = transport;
        _ssl = ssl;
        _io = new ByteStreamOverStream(ssl, leaveOpen: false, completesOnLoop: true);
    }

    /// <summary>The TLS version negotiated.</summary>
    public SslProtocols SslProtocol => _ssl.SslProtocol;

    /// <summary>The peer's certificate (the server's for a client; a client's, if the server asked
    /// for one); null if it sent none.</summary>
    public X509Certificate? RemoteCertificate => _ssl.RemoteCertificate;

    /// <summary>The application protocol agreed by ALPN (for example <c>h2</c>), if any.</summary>
    public SslApplicationProtocol NegotiatedApplicationProtocol => _ssl.NegotiatedApplicationProtocol;

    /// <summary>The name the client asked for: the host name it validated, or the server name (SNI)
    /// the server received.</summary>
    public string TargetHostName => _ssl.TargetHostName;

    /// <summary>Runs a TLS client handshake over <paramref name="transport"/>, validating the
    /// server's certificate for <paramref name="targetHost"/> (chain and host name).</summary>
    /// <exception cref="AuthenticationException">The handshake failed: the certificate is not valid
    /// for <paramref name="targetHost"/> or not trusted, or the peer is not speaking TLS. The
    /// transport is closed.</exception>
    public static Coroutine<TlsStream> AuthenticateAsClientAsync(ByteStream transport, string targetHost)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        return AuthenticateAsClientAsync(transport, new SslClientAuthenticationOptions { TargetHost = targetHost });
    }

    /// <summary>Runs a TLS client handshake over <paramref name="transport"/> with
    /// <paramref name="options"/> (target host, validation callback, client certificates, ALPN).</summary>
    /// <exception cref="AuthenticationException">The handshake failed; the transport is closed.</exception>
    public static Coroutine<TlsStream> AuthenticateAsClientAsync(ByteStream transport, SslClientAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        return HandshakeAsync(transport, options, server: null);
    }

    /// <summary>Runs a TLS server handshake over <paramref name="transport"/>, presenting
    /// <paramref name="certificate"/> (which must carry its private key).</summary>
    /// <exception cref="AuthenticationException">The handshake failed (for example the peer sent
    /// something that is not a TLS ClientHello); the transport is closed.</exception>
    public static Coroutine<TlsStream> AuthenticateAsServerAsync(ByteStream transport, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("A TLS server certificate needs its private key.", nameof(certificate));
        }

        return AuthenticateAsServerAsync(transport, new SslServerAuthenticationOptions { ServerCertificate = certificate });
    }

    /// <summary>Runs a TLS server handshake over <paramref name="transport"/> with
    /// <paramref name="options"/> (certificate or selection callback, client certificates, ALPN).</summary>
    /// <exception cref="AuthenticationException">The handshake failed; the transport is closed.</exception>
    public static Coroutine<TlsStream> AuthenticateAsServerAsync(ByteStream transport, SslServerAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        return HandshakeAsync(transport, client: null, options);
    }

    /// <summary>Receives decrypted bytes (<see cref="ByteStream.ReceiveAsync"/>). Cancel-safe.</summary>
    public override Coroutine<int> ReceiveAsync(Memory<byte> buffer) => _io.ReceiveAsync(buffer);

    /// <summary>Encrypts and sends (<see cref="ByteStream.SendAllAsync"/>); returns when the transport
    /// has taken the records.</summary>
    public override Coroutine SendAllAsync(ReadOnlyMemory<byte> data) => _io.SendAllAsync(data);

    /// <summary>Sends close_notify, then half-closes the transport. Receiving still works.</summary>
    public override async Coroutine SendEofAsync()
    {
        await _io.SendEofAsync();
        await _transport.SendEofAsync();
    }

    /// <summary>Sends close_notify if the send side still works, then closes the transport. Canceled
    /// while sending close_notify, it aborts instead: the stream ends up closed either way.</summary>
    public override async Coroutine CloseAsync()
    {
        if (_io.CanSend)
        {
            try
            {
                await _io.SendEofAsync();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The peer is gone (reset, closed): close_notify cannot reach it, and the close goes on.
            }
            catch (OperationCanceledException)
            {
                Abort();
                throw;
            }
        }

        await _io.CloseAsync();
        await _transport.CloseAsync();
    }

    /// <summary>Drops the TLS session and aborts the transport: the peer sees a reset.</summary>
    public override void Abort()
    {
        _io.Abort();
        _transport.Abort();
    }

    /// <inheritdoc />
    public override string ToString() => $"<TlsStream {SslProtocol} over {_transport}>";

    private static async Coroutine<TlsStream> HandshakeAsync(
        ByteStream transport, SslClientAuthenticationOptions? client, SslServerAuthenticationOptions? server)
    {
        var loop = EventLoop.Current;
        var ssl = new SslStream(transport.AsStream(leaveOpen: true), leaveInnerStreamOpen: false);
        var stop = new CancellationTokenSource(); // not disposed: the handshake may still read its token
        var handshake = client != null
            ? ssl.AuthenticateAsClientAsync(client, stop.Token)
            : ssl.AuthenticateAsServerAsync(server!, stop.Token);
        try
        {
            await BclCompletion.WaitAsync(loop, handshake, completesOnLoop: true);
        }
        catch (OperationCanceledException) when (!handshake.IsCompleted)
        {
            // Canceled or timed out half-way: stop the handshake; the transport is of no use now.
            stop.Cancel();
            ssl.Dispose();
            transport.Abort();
            throw;
        }
        catch (Exception)
        {
            ssl.Dispose();
            await transport.CloseAsync(); // graceful, so the peer receives the alert SslStream sent
            throw;
        }

        return new TlsStream(transport, ssl);
    }
}
