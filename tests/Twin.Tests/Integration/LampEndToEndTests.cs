using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class LampEndToEndTests(SiloFixture silo)
{
    [Fact]
    public async Task Dark_and_motion_lights_the_lamp_and_the_reported_state_confirms_it()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Subscribe($"twin/lamp/{lamp}/command");

        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 1, on = true, brightness = 30, lux = 12.5, motion = true });

        var command = await device.WaitFor($"twin/lamp/{lamp}/command");
        Assert.Equal("set_brightness", command.GetProperty("command").GetString());
        Assert.Equal(100, command.GetProperty("args").GetProperty("brightness").GetInt32());
        Assert.False(string.IsNullOrEmpty(command.GetProperty("id").GetString()));
        Assert.Contains("motion", command.GetProperty("reason").GetString());

        var pending = await silo.GetTwin("lamp", lamp);
        Assert.Equal(command.GetProperty("id").GetString(), pending.GetProperty("desired").GetProperty("pending")[0].GetProperty("id").GetString());

        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 2, brightness = 100 });

        var confirmed = await Eventually.Get(() => silo.GetTwin("lamp", lamp),
            t => t.GetProperty("desired").GetProperty("pending").GetArrayLength() == 0, "the command to be confirmed");
        Assert.Equal(100, confirmed.GetProperty("reported").GetProperty("brightness").GetInt32());
        Assert.Equal("ok", confirmed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_command_from_the_api_is_confirmed_by_the_devices_ack()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Subscribe($"twin/lamp/{lamp}/command");

        var response = await silo.Http.PostAsJsonAsync($"/api/twins/lamp/{lamp}/commands",
            new { command = "set_brightness", args = new { brightness = 55 }, reason = "maintenance test" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetString();

        var sent = await device.WaitFor($"twin/lamp/{lamp}/command", c => c.GetProperty("id").GetString() == id);
        Assert.Equal("maintenance test", sent.GetProperty("reason").GetString());

        await device.Publish($"twin/lamp/{lamp}/event", new { type = "command_ack", commandId = id, ok = true });

        await Eventually.Get(() => silo.GetTwin("lamp", lamp),
            t => t.GetProperty("desired").GetProperty("pending").GetArrayLength() == 0, "the ack to confirm the command");
    }

    [Fact]
    public async Task An_unanswered_command_is_resent_then_raises_command_failed_at_its_deadline()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Subscribe($"twin/lamp/{lamp}/command");

        var response = await silo.Http.PostAsJsonAsync($"/api/twins/lamp/{lamp}/commands", new { command = "set_brightness", args = new { brightness = 70 } });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var failed = await Eventually.Get(() => silo.GetTwin("lamp", lamp),
            t => t.GetProperty("alarms").EnumerateArray().Any(a => a.GetProperty("code").GetString() == "command_failed"),
            "the command_failed alarm", TimeSpan.FromSeconds(15));

        Assert.Equal("alarm", failed.GetProperty("status").GetString());
        Assert.Equal(0, failed.GetProperty("desired").GetProperty("pending").GetArrayLength());
        Assert.True(device.Received($"twin/lamp/{lamp}/command").Count(c => c.GetProperty("id").GetString() == id) >= 2,
            "the command should have been sent again before it failed");
    }

    [Fact]
    public async Task A_device_refusing_a_command_raises_command_failed_at_once()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        var response = await silo.Http.PostAsJsonAsync($"/api/twins/lamp/{lamp}/commands", new { command = "set_brightness", args = new { brightness = 10 } });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        await device.Publish($"twin/lamp/{lamp}/event", new { type = "command_ack", commandId = id, ok = false, message = "driver overheated" });

        var twin = await Eventually.Get(() => silo.GetTwin("lamp", lamp),
            t => t.GetProperty("alarms").EnumerateArray().Any(a => a.GetProperty("code").GetString() == "command_failed"), "command_failed");
        Assert.Contains("driver overheated", twin.GetProperty("alarms")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Emergency_mode_holds_full_light_in_daylight_until_released()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Subscribe($"twin/lamp/{lamp}/command");
        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 1, brightness = 0, lux = 800, motion = false });

        var response = await silo.Http.PostAsJsonAsync($"/api/twins/lamp/{lamp}/commands", new { command = "set_mode", args = new { mode = "emergency" } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var command = await device.WaitFor($"twin/lamp/{lamp}/command", c => c.GetProperty("args").GetProperty("brightness").GetInt32() == 100);
        Assert.Contains("emergency", command.GetProperty("reason").GetString());
        var twin = await silo.GetTwin("lamp", lamp);
        Assert.Equal("emergency", twin.GetProperty("desired").GetProperty("mode").GetString());
    }
}
