using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Streams;

public class TlsStreamContractTests : ByteStreamContract
{
    protected override Coroutine<(ByteStream A, ByteStream B)> Connect() => TlsTest.Connect(StreamPair.CreateMemory());
}

/// <summary>A self-signed certificate made in the test, and client options that trust exactly it
/// while keeping .NET's host-name check.</summary>
internal static class TlsTest
{
    public const string Host = "coop.test";

    public static readonly X509Certificate2 Certificate = Create(Host);

    public static SslClientAuthenticationOptions Client(string host = Host) => new()
    {
        TargetHost = host,
        // Trust this one certificate (it is self-signed, so its chain is "untrusted"), and nothing
        // else: any other error, the name mismatch first, still fails the handshake.
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
            && certificate?.GetCertHashString() == Certificate.GetCertHashString(),
    };

    public static async Coroutine<(ByteStream A, ByteStream B)> Connect((ByteStream A, ByteStream B) pair)
    {
        var server = EventLoop.Current.CreateTask(TlsStream.AuthenticateAsServerAsync(pair.B, Certificate));
        var client = await TlsStream.AuthenticateAsClientAsync(pair.A, Client());
        return (client, await server);
    }

    private static X509Certificate2 Create(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null); // a key SslStream can use everywhere
    }
}

public class TlsStreamTests
{
    [Fact]
    public void Handshake_OverAMemoryPair_EchoesBothWaysAndReportsTheSession()
    {
        Run(async () =>
        {
            var (client, server) = await TlsTest.Connect(StreamPair.CreateMemory());
            var tlsClient = (TlsStream)client;
            Assert.Contains(tlsClient.SslProtocol, new[] { SslProtocols.Tls12, SslProtocols.Tls13 });
            Assert.Equal(TlsTest.Certificate.GetCertHashString(), tlsClient.RemoteCertificate!.GetCertHashString());
            Assert.Equal(TlsTest.Host, tlsClient.TargetHostName);
            Assert.Equal(TlsTest.Host, ((TlsStream)server).TargetHostName); // the SNI the client sent

            var echo = EventLoop.Current.CreateTask(Echo(server));
            var reader = new ByteStreamReader(client);
            await client.SendAllAsync(Bytes("ping\n"));
            Assert.Equal("PING\n", Text(await reader.ReadLineAsync()));
            await client.SendAllAsync(Bytes("again\n"));
            Assert.Equal("AGAIN\n", Text(await reader.ReadLineAsync()));
            await client.CloseAsync();
            await echo;
        });

        static async Coroutine Echo(ByteStream s)
        {
            var reader = new ByteStreamReader(s);
            byte[] line;
            while ((line = await reader.ReadLineAsync()).Length > 0)
            {
                await s.SendAllAsync(Bytes(Text(line).ToUpperInvariant()));
            }

            await s.CloseAsync();
        }
    }

    [Fact]
    public void AuthenticateAsClient_WrongHostName_IsRefusedAndBothTransportsClose()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var server = EventLoop.Current.CreateTask(TlsStream.AuthenticateAsServerAsync(b, TlsTest.Certificate));
            var error = await Failure(TlsStream.AuthenticateAsClientAsync(a, TlsTest.Client("elsewhere.test")));
            Assert.IsType<AuthenticationException>(error);
            Assert.IsAssignableFrom<Exception>(await Failure(Await(server))); // the server learns from the alert
            Assert.IsType<ObjectDisposedException>(await Failure(a.ReceiveAsync(new byte[1])));
        });
    }

    [Fact]
    public void AuthenticateAsClient_ByHostNameOnly_RefusesAnUntrustedCertificate()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var server = EventLoop.Current.CreateTask(TlsStream.AuthenticateAsServerAsync(b, TlsTest.Certificate));
            Assert.IsType<AuthenticationException>(await Failure(TlsStream.AuthenticateAsClientAsync(a, TlsTest.Host)));
            await Failure(Await(server));
        });
    }

    [Fact]
    public void AuthenticateAsServer_PeerSendsGarbage_FailsClearlyAndClosesTheTransport()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var garbage = EventLoop.Current.CreateTask(SendThenEof(a, Bytes("GET / HTTP/1.1\r\nHost: coop.test\r\n\r\n")));
            var error = await Failure(TlsStream.AuthenticateAsServerAsync(b, TlsTest.Certificate));
            Assert.IsType<AuthenticationException>(error); // "Cannot determine the frame size or a corrupted frame was received."
            await garbage;
            Assert.Empty(await ReceiveToEnd(a)); // no alert, then the end: the transport was closed
        });
    }

    [Fact]
    public void AuthenticateAsClient_PeerAnswersGarbage_FailsClearly()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var peer = EventLoop.Current.CreateTask(AnswerGarbage(b));
            Assert.IsType<AuthenticationException>(await Failure(TlsStream.AuthenticateAsClientAsync(a, TlsTest.Client())));
            await peer;
        });

        static async Coroutine AnswerGarbage(ByteStream s)
        {
            await s.ReceiveAsync(new byte[4096]);
            await s.SendAllAsync(Bytes("HTTP/1.1 400 Bad Request\r\n\r\n"));
            await s.CloseAsync();
        }
    }

    [Fact]
    public void AuthenticateAsServer_CertificateWithoutItsKey_ThrowsArgument()
    {
        var (_, b) = StreamPair.CreateMemory();
        using var publicOnly = X509CertificateLoader.LoadCertificate(TlsTest.Certificate.RawData);
        Assert.Throws<ArgumentException>(() => TlsStream.AuthenticateAsServerAsync(b, publicOnly));
    }

    [Fact]
    public void Handshake_PeerNeverAnswers_TimesOutInVirtualTimeAndAbortsTheTransport()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var error = await Failure(CancelScope.FailAfter(3600, _ => TlsStream.AuthenticateAsClientAsync(a, TlsTest.Client())));
            Assert.IsType<TimeoutException>(error);
            Assert.Equal(3600, EventLoop.Current.Time(), precision: 3); // the clock jumped: nothing counted as foreign work
            Assert.IsType<IOException>(await Failure(b.ReceiveAsync(new byte[4096]))); // aborted: a reset
        });
    }

    [Fact]
    public void Receive_TransportEndsWithoutCloseNotify_ReturnsZero()
    {
        Run(async () =>
        {
            var pair = StreamPair.CreateMemory();
            var (client, _) = await TlsTest.Connect(pair);
            await pair.Right.CloseAsync(); // the server's transport, under its TLS: no close_notify
            Assert.Equal(0, await client.ReceiveAsync(new byte[10]));
        });
    }

    [Fact]
    public void Receive_TransportEndsInTheMiddleOfARecord_ThrowsIOException()
    {
        Run(async () =>
        {
            var relay = new Relay();
            var (client, server) = await TlsTest.Connect(relay.Pair);
            relay.CutAfter(10); // the next bytes from the server: ten of them, then the end
            await server.SendAllAsync(Pattern(1000));
            Assert.IsType<IOException>(await Failure(client.ReceiveAsync(new byte[2000])));
        });
    }

    [Fact]
    public void SslStream_ReadCanceledHalfWayThroughARecord_TheNextReadGetsTheWholeMessage()
    {
        // What SslStream itself allows (TlsStream does not depend on it: it never cancels a read).
        var message = Run(async () =>
        {
            var relay = new Relay();
            var loop = EventLoop.Current;
            var server = loop.CreateTask(TlsStream.AuthenticateAsServerAsync(relay.Pair.B, TlsTest.Certificate));
            var ssl = new SslStream(relay.Pair.A.AsStream());
            await Coroutine.FromTask(ssl.AuthenticateAsClientAsync(TlsTest.Client()));
            var tls = await server;

            relay.HoldAfter(10); // the next record: ten bytes through, the rest held back
            await tls.SendAllAsync(Bytes("one whole message"));
            using var cancel = new CancellationTokenSource();
            var read = ssl.ReadAsync(new byte[100], cancel.Token).AsTask();
            await Ticks(10);
            Assert.False(read.IsCompleted);
            cancel.Cancel();
            Assert.IsAssignableFrom<OperationCanceledException>(await Failure(Wait(Coroutine.FromTask(read))));

            relay.Release();
            var buffer = new byte[100];
            var n = await Coroutine.FromTask(ssl.ReadAsync(buffer).AsTask());
            return Text(buffer.AsMemory(0, n));
        });
        Assert.Equal("one whole message", message);
    }

    [Fact]
    public void SslStream_OverACoopStream_ResumesOnlyOnTheLoopThread()
    {
        var (loopThread, seen) = Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory(capacity: 100); // many small pieces: many awaits inside SslStream
            var loop = EventLoop.Current;
            var server = loop.CreateTask(TlsStream.AuthenticateAsServerAsync(b, TlsTest.Certificate));
            var recorder = new ThreadRecorder(a.AsStream());
            var ssl = new SslStream(recorder);
            await Coroutine.FromTask(ssl.AuthenticateAsClientAsync(TlsTest.Client()));
            var client = ByteStream.FromStream(ssl);
            var receiving = loop.CreateTask(ReceiveToEnd(client)); // reads the session tickets too, or the server's handshake waits
            var tls = await server;
            await SendThenEof(tls, Pattern(20_000));
            Assert.Equal(Pattern(20_000), await receiving);
            return (Environment.CurrentManagedThreadId, recorder.Threads);
        });
        Assert.True(seen.Count > 10, $"only {seen.Count} calls recorded");
        Assert.All(seen, id => Assert.Equal(loopThread, id));
    }

    [Fact]
    public void StartTls_OverAReaderThatBufferedPartOfTheHandshake_LosesNoByte()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var loop = EventLoop.Current;
            var client = loop.CreateTask(StartTlsClient(a));
            await Ticks(20); // the line and the ClientHello are both in the pipe now
            var reader = new ByteStreamReader(b);
            Assert.Equal("STARTTLS\n", Text(await reader.ReadLineAsync()));
            Assert.True(reader.BufferedCount > 0); // part of the ClientHello came with the line
            var tls = await TlsStream.AuthenticateAsServerAsync(reader, TlsTest.Certificate);
            Assert.Equal("secret", Text(await ReceiveToEnd(tls)));
            await client;
        });

        static async Coroutine StartTlsClient(ByteStream s)
        {
            await s.SendAllAsync(Bytes("STARTTLS\n"));
            var tls = await TlsStream.AuthenticateAsClientAsync(s, TlsTest.Client());
            await tls.SendAllAsync(Bytes("secret"));
            await tls.CloseAsync();
        }
    }

    private static async Coroutine<T> Await<T>(CoopTask<T> task) => await task;

    /// <summary>Two memory pairs joined by a relay: the client uses <see cref="Pair"/>.A, the server
    /// <see cref="Pair"/>.B, and the bytes from the server to the client can be cut or held back.</summary>
    private sealed class Relay
    {
        private readonly CoopEvent _released = new();
        private int _cut = -1;
        private int _hold = -1;

        public Relay()
        {
            var (client, clientSide) = StreamPair.CreateMemory();
            var (serverSide, server) = StreamPair.CreateMemory();
            Pair = (client, server);
            var loop = EventLoop.Current;
            loop.CreateTask(Pump(clientSide, serverSide, toClient: false));
            loop.CreateTask(Pump(serverSide, clientSide, toClient: true));
        }

        public (ByteStream A, ByteStream B) Pair { get; }

        public void CutAfter(int bytes) => _cut = bytes;

        public void HoldAfter(int bytes) => _hold = bytes;

        public void Release() => _released.Set();

        private async Coroutine Pump(ByteStream from, ByteStream to, bool toClient)
        {
            var buffer = new byte[65536];
            int n;
            while ((n = await from.ReceiveAsync(buffer)) > 0)
            {
                if (toClient && _cut >= 0)
                {
                    await to.SendAllAsync(buffer.AsMemory(0, Math.Min(n, _cut)));
                    await to.CloseAsync();
                    return;
                }

                if (toClient && _hold >= 0)
                {
                    await to.SendAllAsync(buffer.AsMemory(0, Math.Min(n, _hold)));
                    await _released.WaitAsync();
                    await to.SendAllAsync(buffer.AsMemory(Math.Min(n, _hold), n - Math.Min(n, _hold)));
                    _hold = -1;
                    continue;
                }

                await to.SendAllAsync(buffer.AsMemory(0, n));
            }

            await to.SendEofAsync();
        }
    }

    /// <summary>Passes everything through and records the thread of every call SslStream makes.</summary>
    private sealed class ThreadRecorder(Stream inner) : Stream
    {
        public List<int> Threads { get; } = [];

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
