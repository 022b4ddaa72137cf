using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Libvirt.Capabilities.IntegrationTests;

/// <summary>
/// A TCP proxy in front of a real libvirtd that forwards libvirt RPC unchanged, except the XML string of
/// the replies to virConnectGetCapabilities / virConnectGetDomainCapabilities, which <see cref="Reply"/>
/// rewrites: a hostile or broken libvirtd served live. <see cref="Silent"/> makes it a hung daemon that
/// accepts connections and never answers. Both can be switched while the exporter polls through it.
/// </summary>
/// <remarks>
/// Wire format (libvirt src/rpc/virnetprotocol.x, src/remote/remote_protocol.x): a packet is a 4-byte
/// big-endian length that counts itself, a 24-byte header (program, version, procedure, type, serial,
/// status; 4 bytes each, big-endian), then the XDR body. Both replies are one remote_nonnull_string: a
/// 4-byte length, the bytes, zero padding to a multiple of 4.
/// </remarks>
public sealed class HostileLibvirtProxy : IDisposable
{
    public const uint RemoteProgram = 0x20008086;
    public const int ProcConnectGetCapabilities = 7;
    public const int ProcConnectGetDomainCapabilities = 342;

    /// <summary>REMOTE_STRING_MAX: libvirt's client refuses longer strings before anything reaches the exporter.</summary>
    public const int RemoteStringMax = 4 * 1024 * 1024;

    private const int HeaderLength = 24;
    private const int ReplyType = 1;
    private const int StatusOk = 0;

    private readonly TcpListener listener;
    private readonly IPEndPoint upstream;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;
    private volatile HostileReply? reply;
    private volatile bool silent;
    private int rewritten;
    private int swallowed;

    public HostileLibvirtProxy(int port, int upstreamPort = 16509)
    {
        upstream = new IPEndPoint(IPAddress.Loopback, upstreamPort);
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Port = port;
        acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    public string Uri => $"qemu+tcp://127.0.0.1:{Port}/system";

    /// <summary>The rewrite applied to capability replies from now on; null forwards them unchanged.</summary>
    public HostileReply? Reply
    {
        get => reply;
        set => reply = value;
    }

    /// <summary>When set, no reply reaches the client any more, on open connections and new ones alike.</summary>
    public bool Silent
    {
        get => silent;
        set => silent = value;
    }

    /// <summary>Capability replies rewritten so far: proof that the hostile document reached the client.</summary>
    public int Rewritten => Volatile.Read(ref rewritten);

    /// <summary>Packets swallowed while <see cref="Silent"/>: proof that the client did call.</summary>
    public int Swallowed => Volatile.Read(ref swallowed);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var upstreamClient = new TcpClient();
        try
        {
            var downstream = client.GetStream();
            if (silent)
            {
                await DrainAsync(downstream);
                return;
            }

            await upstreamClient.ConnectAsync(upstream, stop.Token);
            var server = upstreamClient.GetStream();
            var calls = CopyCallsAsync(downstream, server);
            var replies = CopyRepliesAsync(server, downstream);
            await Task.WhenAny(calls, replies);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A connection that ends, either side: nothing to do but close the other.
        }
    }

    private async Task DrainAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, stop.Token) > 0)
        {
            Interlocked.Increment(ref swallowed);
        }
    }

    private async Task CopyCallsAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[65536];
        int read;
        while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
        }
    }

    private async Task CopyRepliesAsync(NetworkStream from, NetworkStream to)
    {
        var lengthWord = new byte[4];
        while (true)
        {
            await from.ReadExactlyAsync(lengthWord, stop.Token);
            var length = BinaryPrimitives.ReadInt32BigEndian(lengthWord);
            if (length < 4 + HeaderLength || length > 64 * 1024 * 1024)
            {
                throw new IOException($"not a libvirt RPC packet (length {length})");
            }

            var packet = new byte[length];
            lengthWord.CopyTo(packet, 0);
            await from.ReadExactlyAsync(packet.AsMemory(4), stop.Token);
            if (silent)
            {
                Interlocked.Increment(ref swallowed);
                continue;
            }

            await to.WriteAsync(Rewrite(packet), stop.Token);
        }
    }

    private byte[] Rewrite(byte[] packet)
    {
        var current = reply;
        var header = packet.AsSpan(4, HeaderLength);
        var call = BinaryPrimitives.ReadInt32BigEndian(header[8..]) switch
        {
            ProcConnectGetCapabilities => HostileCall.HostCapabilities,
            ProcConnectGetDomainCapabilities => HostileCall.DomainCapabilities,
            _ => (HostileCall?)null,
        };
        if (current is null
            || call != current.Call
            || BinaryPrimitives.ReadUInt32BigEndian(header) != RemoteProgram
            || BinaryPrimitives.ReadInt32BigEndian(header[12..]) != ReplyType
            || BinaryPrimitives.ReadInt32BigEndian(header[20..]) != StatusOk)
        {
            return packet;
        }

        var body = packet.AsSpan(4 + HeaderLength);
        var xml = body.Slice(4, BinaryPrimitives.ReadInt32BigEndian(body)).ToArray();
        var hostile = current.Rewrite(xml);
        Interlocked.Increment(ref rewritten);
        return Packet(packet.AsSpan(0, 4 + HeaderLength), hostile);
    }

    /// <summary>The same header with a new string body, the length word recomputed.</summary>
    private static byte[] Packet(ReadOnlySpan<byte> lengthAndHeader, byte[] text)
    {
        var padded = (text.Length + 3) & ~3;
        var packet = new byte[4 + HeaderLength + 4 + padded];
        lengthAndHeader.CopyTo(packet);
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4 + HeaderLength), text.Length);
        text.CopyTo(packet, 4 + HeaderLength + 4);
        return packet;
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try
        {
            acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener; its exception is the shutdown itself.
        }

        stop.Dispose();
    }
}
