using Twin.Tests.Support;

namespace Twin.Tests.Integration;

/// <summary>One device's round trip through whatever broker a silo uses: telemetry in, a command out, its ack, retained state, a dead letter.</summary>
static class BrokerRoundTrip
{
    public static async Task LampLitConfirmedAndBadInputDeadLettered(SiloFixture silo)
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Subscribe($"twin/lamp/{lamp}/command", $"twin/lamp/{lamp}/state", "twin/deadletter");

        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 1, brightness = 30, lux = 5, motion = true });

        var command = await device.WaitFor($"twin/lamp/{lamp}/command");
        Assert.Equal(100, command.GetProperty("args").GetProperty("brightness").GetInt32());
        await device.Publish($"twin/lamp/{lamp}/event", new { seq = 2, type = "command_ack", commandId = command.GetProperty("id").GetString(), ok = true });
        await device.WaitFor($"twin/lamp/{lamp}/state", s => MqttProbe.LastSeq(s) == 2 && s.GetProperty("desired").GetProperty("pending").GetArrayLength() == 0);

        await device.Publish($"twin/lamp/{lamp}/telemetry", "{\"lux\": true}");
        var letter = await device.WaitFor("twin/deadletter", d => d.GetProperty("topic").GetString() == $"twin/lamp/{lamp}/telemetry");
        Assert.Equal("wrong_type", letter.GetProperty("code").GetString());
    }
}
