using Twin.Tests.Support;

namespace Twin.Tests.Integration;

/// <summary>Devices on the embedded broker speak only for themselves (the sample's secrets are demo-secret-{kind}-{id}).</summary>
[Collection(SiloCollection.Name)]
public sealed class DeviceAuthTests(SiloFixture silo)
{
    Task<MqttProbe> Lamp(string id, string? secret = null) => MqttProbe.Connect(silo.MqttPort, null, $"lamp-{id}", secret ?? $"demo-secret-lamp-{id}");

    [Fact]
    public async Task A_device_with_its_credentials_reports_for_its_own_twin()
    {
        await using var lamp = await Lamp("L-03");
        await lamp.Publish("twin/lamp/L-03/telemetry", new { powerW = 33.3 });
        await Eventually.Get(() => silo.GetTwin("lamp", "L-03"), t => t.GetProperty("reported").TryGetProperty("powerW", out var p) && p.GetDouble() == 33.3, "the reading");
    }

    [Fact]
    public async Task A_device_cannot_publish_as_another_device()
    {
        await using var lamp = await Lamp("L-04");
        var before = await silo.GetTwin("lamp", "L-05");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => lamp.Publish("twin/lamp/L-05/telemetry", new { powerW = 99.0 }));
        Assert.Contains("NotAuthorized", refused.Message);
        await lamp.Publish("twin/lamp/L-04/telemetry", new { powerW = 1.0 });
        await Eventually.Get(() => silo.GetTwin("lamp", "L-04"), t => t.GetProperty("reported").TryGetProperty("powerW", out _), "its own reading");
        // Nothing L-05 reports moved. (Its version may: an incident of another test can still be resending it commands.)
        var after = await silo.GetTwin("lamp", "L-05");
        Assert.Equal(before.GetProperty("reported").GetRawText(), after.GetProperty("reported").GetRawText());
        Assert.Equal(before.TryGetProperty("lastSeq", out var seqBefore) ? seqBefore.GetRawText() : null,
            after.TryGetProperty("lastSeq", out var seqAfter) ? seqAfter.GetRawText() : null);
    }

    [Fact]
    public async Task A_device_cannot_listen_to_another_devices_commands()
    {
        await using var lamp = await Lamp("L-06");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => lamp.Subscribe("twin/lamp/L-07/command"));
        Assert.Contains("NotAuthorized", error.Message);
        await lamp.Subscribe("twin/lamp/L-06/command");
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_at_connect()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Lamp("L-08", "guess"));
        Assert.Contains("BadUserNameOrPassword", error.Message);
    }
}

public sealed class LockedBrokerFixture : SiloFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Twin:Mqtt:AllowAnonymous", "false")];
}

/// <summary>With anonymous access off, only accounts get in — and the silo still ingests through its own account.</summary>
public sealed class LockedBrokerTests(LockedBrokerFixture silo) : IClassFixture<LockedBrokerFixture>
{
    [Fact]
    public async Task Anonymous_clients_are_refused_and_devices_with_credentials_still_report()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MqttProbe.Connect(silo.MqttPort));
        Assert.Contains("NotAuthorized", error.Message);

        await using var bin = await MqttProbe.Connect(silo.MqttPort, null, "bin-BIN-02", "demo-secret-bin-BIN-02");
        await bin.Publish("twin/bin/BIN-02/telemetry", new { fillPercent = 12 });
        await Eventually.Get(() => silo.GetTwin("bin", "BIN-02"), t => t.GetProperty("reported").TryGetProperty("fillPercent", out _), "the bin's reading");
    }
}
