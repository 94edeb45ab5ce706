using System.Net;
using MQTTnet;
using Twin.Silo.Mqtt;

namespace Twin.Tests.Mqtt;

public sealed class MqttSocketsTests
{
    [Fact]
    public void A_broker_connection_asks_for_socket_buffers_far_above_MQTTnets_8_KiB()
    {
        var options = new MqttClientOptionsBuilder().WithBroker("broker.example", 1884).WithClientId("c").Build();

        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        var endpoint = Assert.IsType<DnsEndPoint>(tcp.RemoteEndpoint);
        Assert.Equal(("broker.example", 1884), (endpoint.Host, endpoint.Port));
        Assert.True(tcp.BufferSize >= 1 << 20, $"buffer {tcp.BufferSize} bytes");
    }
}
