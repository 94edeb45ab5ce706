using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

/// <summary>What the console asks before it draws anything: who the token is, what it may do, what each kind accepts.</summary>
[Collection(SiloCollection.Name)]
public sealed class SessionAndKindsTests(SiloFixture silo)
{
    [Fact]
    public async Task The_session_names_the_party_its_buildings_and_only_the_routes_its_role_may_call()
    {
        using var grid = silo.Client("demo-grid-wang");
        var session = await grid.GetFromJsonAsync<JsonElement>("/api/session");

        Assert.Equal("grid-wang", session.GetProperty("party").GetProperty("id").GetString());
        Assert.Equal("grid", session.GetProperty("party").GetProperty("role").GetString());
        Assert.Equal(["B1", "B2", "B3", "B4"], session.GetProperty("party").GetProperty("buildings").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("sunrise", session.GetProperty("community").GetString());
        var may = session.GetProperty("may").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("incidents.task", may);
        Assert.Contains("workorders.list", may);
        Assert.DoesNotContain("incidents.close", may);
        Assert.DoesNotContain("twins.command", may);
    }

    [Fact]
    public async Task Without_a_token_the_session_is_401()
    {
        using var anonymous = silo.Client(null);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task The_kinds_describe_each_kinds_fields_and_commands_with_their_ranges()
    {
        var kinds = await silo.Http.GetFromJsonAsync<JsonElement>("/api/kinds");
        var lamp = kinds.EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "lamp");

        var brightness = lamp.GetProperty("telemetry").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "brightness");
        Assert.Equal(0, brightness.GetProperty("min").GetDouble());
        Assert.Equal(100, brightness.GetProperty("max").GetDouble());
        var setMode = lamp.GetProperty("commands").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "set_mode");
        Assert.Equal("twin", setMode.GetProperty("target").GetString());
        var mode = setMode.GetProperty("args").EnumerateArray().Single();
        Assert.Equal(["auto", "emergency"], mode.GetProperty("choices").EnumerateArray().Select(c => c.GetString()));
        // Every kind can clear an alarm and confirm a command.
        Assert.All(kinds.EnumerateArray(), k =>
        {
            Assert.Contains(k.GetProperty("commands").EnumerateArray(), c => c.GetProperty("name").GetString() == "clear_alarm");
            Assert.Contains(k.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "command_ack");
        });
    }
}
