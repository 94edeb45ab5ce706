using System.Net;
using System.Text;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class DeadLetterTests(SiloFixture silo)
{
    [Theory]
    [InlineData("lamp", "telemetry", "{\"lux\": 12", "malformed_json")]
    [InlineData("lamp", "telemetry", "[1, 2]", "not_an_object")]
    [InlineData("lamp", "telemetry", "{\"lux\": \"dark\"}", "wrong_type")]
    [InlineData("lamp", "telemetry", "{\"brightness\": 101}", "out_of_range")]
    [InlineData("bin", "telemetry", "{\"fillPercent\": -1}", "out_of_range")]
    [InlineData("camera", "event", "{\"type\": \"detection\", \"class\": \"ufo\", \"confidence\": 0.9}", "out_of_range")]
    [InlineData("gate", "event", "{\"type\": \"teleported\"}", "unknown_event")]
    [InlineData("gate", "event", "{\"type\": \"access\", \"granted\": true}", "missing_field")]
    [InlineData("lamp", "telemetry", "{\"seq\": -3, \"lux\": 1}", "wrong_type")]
    public async Task A_bad_message_goes_to_the_dead_letter_topic_with_its_reason_and_ingestion_goes_on(string kind, string channel, string payload, string code)
    {
        var id = await silo.NewTwin(kind);
        await using var device = await silo.Device();
        await device.Subscribe("twin/deadletter");
        var before = await silo.Metric("twin_ingest_deadletters_total", $"twin_reason=\"{code}\"");
        var topic = $"twin/{kind}/{id}/{channel}";

        await device.Publish(topic, payload);

        var letter = await device.WaitFor("twin/deadletter", d => d.GetProperty("topic").GetString() == topic);
        Assert.Equal(code, letter.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(letter.GetProperty("reason").GetString()));
        Assert.Equal(payload, letter.GetProperty("payload").GetString());
        Assert.True(letter.TryGetProperty("receivedAt", out _));
        await Eventually.True(async () => await silo.Metric("twin_ingest_deadletters_total", $"twin_reason=\"{code}\"") > before, $"the {code} counter to rise");

        await AssertIngestionGoesOn(device, kind, id);
    }

    [Fact]
    public async Task A_message_for_an_unknown_id_is_dead_lettered_and_never_creates_a_twin()
    {
        await using var device = await silo.Device();
        await device.Subscribe("twin/deadletter");

        await device.Publish("twin/lamp/no-such-lamp/telemetry", "{\"lux\": 3}");

        var letter = await device.WaitFor("twin/deadletter", d => d.GetProperty("topic").GetString() == "twin/lamp/no-such-lamp/telemetry");
        Assert.Equal("unknown_twin", letter.GetProperty("code").GetString());
        var response = await silo.Http.GetAsync("/api/twins/lamp/no-such-lamp");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var list = await silo.Http.GetStringAsync("/api/twins?kind=lamp&limit=100000");
        Assert.DoesNotContain("no-such-lamp", list);
    }

    [Fact]
    public async Task An_unknown_kind_is_dead_lettered_with_the_known_kinds()
    {
        await using var device = await silo.Device();
        await device.Subscribe("twin/deadletter");

        await device.Publish("twin/toaster/T-1/telemetry", "{\"on\": true}");

        var letter = await device.WaitFor("twin/deadletter", d => d.GetProperty("topic").GetString() == "twin/toaster/T-1/telemetry");
        Assert.Equal("unknown_kind", letter.GetProperty("code").GetString());
        Assert.Contains("lamp", letter.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_payload_over_64_KiB_is_dead_lettered_with_a_truncated_copy()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Subscribe("twin/deadletter");
        var topic = $"twin/lamp/{lamp}/telemetry";
        var huge = "{\"note\": \"" + new string('x', 70_000) + "\", \"lux\": 3}";

        await device.Publish(topic, Encoding.UTF8.GetBytes(huge));

        var letter = await device.WaitFor("twin/deadletter", d => d.GetProperty("topic").GetString() == topic);
        Assert.Equal("too_large", letter.GetProperty("code").GetString());
        Assert.True(letter.GetProperty("truncated").GetBoolean());
        Assert.Equal(huge.Length, letter.GetProperty("payloadBytes").GetInt32());
        Assert.True(letter.GetProperty("payload").GetString()!.Length < 2000);
        await AssertIngestionGoesOn(device, "lamp", lamp);
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_string_is_dead_lettered_and_the_devices_next_message_applies()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Subscribe("twin/deadletter");
        var topic = $"twin/lamp/{lamp}/event";

        await device.Publish(topic, [.. Encoding.UTF8.GetBytes("{\"type\": \"fault\", \"code\": \""), 0xff, 0xfe, .. Encoding.UTF8.GetBytes("\"}")]);

        var letter = await device.WaitFor("twin/deadletter", d => d.GetProperty("topic").GetString() == topic);
        Assert.Equal("malformed_json", letter.GetProperty("code").GetString());
        await AssertIngestionGoesOn(device, "lamp", lamp);
    }

    async Task AssertIngestionGoesOn(MqttProbe device, string kind, string id)
    {
        if (kind is not ("lamp" or "bin" or "gate" or "camera"))
            return;
        var (field, value) = kind switch { "lamp" => ("powerW", (object)42.0), "bin" => ("fillPercent", 5.0), "gate" => ("locked", true), _ => ("recording", true) };
        await device.Publish($"twin/{kind}/{id}/telemetry", new Dictionary<string, object> { [field] = value });
        await Eventually.Get(() => silo.GetTwin(kind, id), t => t.GetProperty("reported").TryGetProperty(field, out _), "a good message after the bad one to apply");
    }
}
