using System.Net;
using MQTTnet;

namespace Twin.Silo.Mqtt;

/// <summary>How every MQTT client of ours opens its TCP connection to a broker.</summary>
public static class MqttSockets
{
    /// <summary>
    /// MQTTnet's client fixes both socket buffers at 8 KiB unless told otherwise, and a fixed buffer turns off the
    /// kernel's window autotuning. A subscriber that falls behind once is then left with a window smaller than a
    /// segment (64 KiB on loopback): the broker sends a few KiB per retransmission timeout, a few dozen messages a
    /// second, for the rest of the connection. A large buffer keeps the window open (the kernel caps it at
    /// net.core.rmem_max / wmem_max).
    /// </summary>
    public const int BufferBytes = 1 << 20;

    /// <summary>A TCP connection to <paramref name="host"/>:<paramref name="port"/> with <see cref="BufferBytes"/> socket buffers.</summary>
    public static MqttClientOptionsBuilder WithBroker(this MqttClientOptionsBuilder builder, string host, int port) =>
        // The first call names the endpoint for the builder's checks; the second replaces the TCP options it made.
        builder.WithTcpServer(host, port).WithTcpServer(tcp =>
        {
            tcp.RemoteEndpoint = new DnsEndPoint(host, port);
            tcp.BufferSize = BufferBytes;
        });
}
