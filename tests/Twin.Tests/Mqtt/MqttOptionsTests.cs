using Twin.Silo.Mqtt;

namespace Twin.Tests.Mqtt;

public sealed class MqttOptionsTests
{
    [Fact]
    public void The_outbox_has_a_few_lanes_into_the_embedded_broker_and_many_to_an_external_one()
    {
        Assert.Equal(2 * Environment.ProcessorCount, new MqttOptions().OutboxLaneCount);
        Assert.Equal(32, new MqttOptions { Host = "mosquitto.example" }.OutboxLaneCount);
        Assert.Equal(32, new MqttOptions { EmbeddedLoopback = true }.OutboxLaneCount);
        Assert.Equal(7, new MqttOptions { OutboxLanes = 7 }.OutboxLaneCount);
    }
}
