using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class IngestionTests(SiloFixture silo)
{
    [Fact]
    public async Task Repeated_or_older_seq_is_dropped_and_counted()
    {
        var bin = await silo.NewTwin("bin");
        await using var device = await silo.Device();
        var duplicatesBefore = await silo.Metric("twin_ingest_duplicates_total", "twin_kind=\"bin\"");

        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 5, fillPercent = 10 });
        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 5, fillPercent = 60 });
        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 4, fillPercent = 70 });
        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 6, temperatureC = 21 });

        var twin = await Eventually.Get(() => silo.GetTwin("bin", bin), t => MqttProbe.LastSeq(t) == 6, "seq 6 to apply");
        Assert.Equal(10, twin.GetProperty("reported").GetProperty("fillPercent").GetDouble());
        await Eventually.True(async () => await silo.Metric("twin_ingest_duplicates_total", "twin_kind=\"bin\"") >= duplicatesBefore + 2, "two duplicates counted");
    }

    [Fact]
    public async Task Telemetry_older_than_what_the_twin_holds_does_not_overwrite_it()
    {
        var bin = await silo.NewTwin("bin");
        await using var device = await silo.Device();

        await device.Publish($"twin/bin/{bin}/telemetry", new { fillPercent = 40, ts = "2026-11-23T10:00:00Z" });
        await device.Publish($"twin/bin/{bin}/telemetry", new { fillPercent = 15, ts = "2026-11-23T09:59:00Z" });
        await device.Publish($"twin/bin/{bin}/telemetry", new { temperatureC = 20, ts = 1_795_428_060_000L });

        var twin = await Eventually.Get(() => silo.GetTwin("bin", bin), t => t.GetProperty("reported").TryGetProperty("temperatureC", out _), "the newest reading");
        Assert.Equal(40, twin.GetProperty("reported").GetProperty("fillPercent").GetDouble());
    }

    [Fact]
    public async Task Every_change_publishes_the_twins_state_retained()
    {
        var gate = await silo.NewTwin("gate");
        await using (var device = await silo.Device())
            await device.Publish($"twin/gate/{gate}/telemetry", new { seq = 1, locked = true, open = false });
        await Eventually.Get(() => silo.GetTwin("gate", gate), t => MqttProbe.LastSeq(t) == 1, "the reading to apply");

        // A subscriber that arrives later still gets the latest state: it was published retained.
        await using var latecomer = await silo.Device();
        await latecomer.Subscribe($"twin/gate/{gate}/state");
        var state = await latecomer.WaitFor($"twin/gate/{gate}/state", s => MqttProbe.LastSeq(s) == 1);

        Assert.Equal("gate", state.GetProperty("kind").GetString());
        Assert.True(state.GetProperty("reported").GetProperty("locked").GetBoolean());
        Assert.Equal("normal", state.GetProperty("desired").GetProperty("mode").GetString());
        Assert.True(state.GetProperty("version").GetInt64() >= 2);
    }

    [Fact]
    public async Task The_retained_state_of_a_household_carries_no_personal_data()
    {
        var household = await silo.NewTwin("household");
        await using var device = await silo.Device();
        await device.Subscribe($"twin/household/{household}/state");
        await device.Publish($"twin/household/{household}/telemetry", new { occupied = true });

        var state = await device.WaitFor($"twin/household/{household}/state", s => s.GetProperty("reported").TryGetProperty("occupied", out _));
        Assert.False(state.TryGetProperty("members", out _));
        Assert.DoesNotContain("138 0000 9999", state.GetRawText());

        var asAdmin = await silo.GetTwin("household", household);
        Assert.Equal("Test Resident", asAdmin.GetProperty("members")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Five_denied_accesses_within_a_minute_raise_a_gate_alarm()
    {
        var gate = await silo.NewTwin("gate");
        await using var device = await silo.Device();
        for (var i = 0; i < 5; i++)
            await device.Publish($"twin/gate/{gate}/event", new { type = "access", credential = "card", subject = "card-77", granted = false, seq = i + 1 });

        var twin = await Eventually.Get(() => silo.GetTwin("gate", gate), t => t.GetProperty("status").GetString() == "alarm", "the gate alarm");
        Assert.Equal("access_denied_burst", twin.GetProperty("alarms")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Telemetry_and_events_apply_in_the_order_a_device_sent_them()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        for (var seq = 1; seq <= 200; seq++)
            await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq, powerW = (double)seq });

        var twin = await Eventually.Get(() => silo.GetTwin("lamp", lamp), t => MqttProbe.LastSeq(t) == 200, "all 200 readings");
        Assert.Equal(200, twin.GetProperty("reported").GetProperty("powerW").GetDouble());
        var duplicates = await silo.Metric("twin_ingest_duplicates_total", "twin_kind=\"lamp\"");
        Assert.True(twin.GetProperty("version").GetInt64() >= 201, $"every reading applied (version {twin.GetProperty("version")}, duplicates {duplicates})");
    }
}
