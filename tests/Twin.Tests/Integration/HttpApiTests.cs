using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class HttpApiTests(SiloFixture silo)
{
    static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task In_memory_the_history_says_it_keeps_only_a_window_and_still_holds_each_message_once()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 1, lux = 200 });
        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 1, lux = 200 });
        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 2, lux = 210 });

        var page = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/twins/lamp/{lamp}/history"),
            p => p.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("kind").GetString() == "telemetry") == 2, "two messages in the history");

        Assert.StartsWith("memory: only the newest", page.GetProperty("retention").GetString());
        Assert.Equal([2L, 1L], page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "telemetry")
            .Select(i => i.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task The_admin_reads_the_silos_memory_after_a_full_collection()
    {
        var before = await silo.Http.GetFromJsonAsync<JsonElement>("/api/diagnostics/memory");
        var after = await silo.Http.GetFromJsonAsync<JsonElement>("/api/diagnostics/memory?collect=true");

        Assert.False(before.GetProperty("collected").GetBoolean());
        Assert.True(after.GetProperty("collected").GetBoolean());
        Assert.True(after.GetProperty("fullCollections").GetInt32() > before.GetProperty("fullCollections").GetInt32());
        Assert.InRange(after.GetProperty("managedBytes").GetInt64(), 1, after.GetProperty("residentBytes").GetInt64());
    }

    [Fact]
    public async Task Live_and_ready_are_told_apart()
    {
        var live = await silo.Http.GetFromJsonAsync<JsonElement>("/health/live");
        var ready = await silo.Http.GetFromJsonAsync<JsonElement>("/health/ready");
        var health = await silo.Http.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("live", live.GetProperty("status").GetString());
        Assert.True(ready.GetProperty("ready").GetBoolean());
        Assert.Equal("not used: state is in memory", health.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task Requests_without_a_token_get_401_problem()
    {
        using var anonymous = silo.Client(null);
        await AssertProblem(await anonymous.GetAsync("/api/twins/lamp/L-01"), HttpStatusCode.Unauthorized, "Bearer");
    }

    [Fact]
    public async Task A_stream_client_without_a_token_gets_401_problem_not_an_error()
    {
        using var anonymous = silo.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stream");
        request.Headers.Accept.ParseAdd("text/event-stream");
        await AssertProblem(await anonymous.SendAsync(request), HttpStatusCode.Unauthorized, "Bearer");
    }

    [Fact]
    public async Task Requests_with_an_unknown_token_get_401_problem()
    {
        using var stranger = silo.Client("not-a-token");
        await AssertProblem(await stranger.GetAsync("/api/twins/lamp/L-01"), HttpStatusCode.Unauthorized, "not known");
    }

    [Fact]
    public async Task A_party_without_the_role_gets_403_problem()
    {
        using var police = silo.Client("demo-police");
        Assert.Equal(HttpStatusCode.OK, (await police.GetAsync("/api/twins/lamp/L-01")).StatusCode);
        await AssertProblem(await police.PostAsJsonAsync("/api/provision", new { }), HttpStatusCode.Forbidden, "police");
    }

    [Theory]
    [InlineData("/api/twins/lamp/L-404", HttpStatusCode.NotFound, "No lamp 'L-404'")]
    [InlineData("/api/twins/toaster/T-1", HttpStatusCode.NotFound, "no twin kind 'toaster'")]
    [InlineData("/api/twins/lamp/..%2F..%2Fetc", HttpStatusCode.BadRequest, "not a valid id")]
    [InlineData("/api/twins?kind=toaster", HttpStatusCode.BadRequest, "no twin kind")]
    [InlineData("/api/twins?status=burning", HttpStatusCode.BadRequest, "no status")]
    [InlineData("/api/communities/nowhere", HttpStatusCode.NotFound, "nowhere")]
    [InlineData("/api/workorders/wo-missing", HttpStatusCode.NotFound, "wo-missing")]
    [InlineData("/api/workorders?status=lost", HttpStatusCode.BadRequest, "no work order status")]
    public async Task Bad_addresses_get_a_problem_a_person_can_act_on(string url, HttpStatusCode status, string detail) =>
        await AssertProblem(await silo.Http.GetAsync(url), status, detail);

    [Theory]
    [InlineData("{\"command\": \"explode\"}", "no command 'explode'")]
    [InlineData("{\"command\": \"set_brightness\", \"args\": {\"brightness\": 300}}", "from 0 to 100")]
    [InlineData("{\"command\": \"set_brightness\"}", "needs \"brightness\"")]
    [InlineData("{\"command\": \"set_mode\", \"args\": {\"mode\": \"disco\"}}", "one of auto, emergency")]
    [InlineData("{\"args\": {}}", "needs \"command\"")]
    public async Task Bad_commands_get_400_problem(string body, string detail)
    {
        var response = await silo.Http.PostAsync("/api/twins/lamp/L-01/commands", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await AssertProblem(response, HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task The_community_overview_counts_the_sample_community()
    {
        var overview = await silo.Http.GetFromJsonAsync<JsonElement>("/api/communities/sunrise");
        Assert.Equal("Sunrise Garden", overview.GetProperty("name").GetString());
        var twins = overview.GetProperty("twins");
        int Count(string kind) => twins.TryGetProperty(kind, out var byStatus) ? byStatus.EnumerateObject().Sum(s => s.Value.GetInt32()) : 0;
        Assert.True(Count("building") >= 6);
        Assert.True(Count("household") >= 150);
        Assert.True(Count("gate") >= 4);
        Assert.True(Count("lamp") >= 24);
        Assert.True(Count("bin") >= 12);
        Assert.True(Count("camera") >= 10);
        Assert.True(overview.GetProperty("households").GetInt32() >= 150);
    }

    [Fact]
    public async Task Lists_follow_status_changes_through_the_rollups()
    {
        var bin = await silo.NewTwin("bin", building: "B2");
        await using var device = await silo.Device();
        await device.Publish($"twin/bin/{bin}/event", new { type = "tilted" });

        var warned = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>("/api/twins?kind=bin&building=B2&status=warning"),
            l => l.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetString() == bin), "the bin to list as warning");
        Assert.All(warned.GetProperty("items").EnumerateArray(), i => Assert.Equal("warning", i.GetProperty("status").GetString()));

        await silo.Http.PostAsJsonAsync($"/api/twins/bin/{bin}/commands", new { command = "clear_alarm", args = new { code = "tilted" } });
        await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>("/api/twins?kind=bin&building=B2&status=ok"),
            l => l.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetString() == bin), "the bin to list as ok again");
    }

    [Fact]
    public async Task A_building_rolls_up_its_members()
    {
        var household = await silo.NewTwin("household", building: "B3");
        await using var device = await silo.Device();
        await device.Publish($"twin/household/{household}/telemetry", new { occupied = true });
        await device.Publish($"twin/household/{household}/event", new { type = "water_leak" });

        var building = await Eventually.Get(() => silo.GetTwin("building", "B3"),
            b => b.GetProperty("rollup").GetProperty("countsByKindAndStatus").GetProperty("household").TryGetProperty("warning", out _),
            "the building to count the household's warning");
        Assert.True(building.GetProperty("rollup").GetProperty("occupiedHouseholds").GetInt32() >= 1);
        Assert.True(building.GetProperty("rollup").GetProperty("activeAlarms").GetInt32() >= 1);
    }

    [Fact]
    public async Task Provisioning_reports_what_was_added_and_refuses_a_bad_document_whole()
    {
        var fresh = $"L-prov-{Guid.NewGuid():N}"[..20];
        var added = await (await silo.Http.PostAsJsonAsync("/api/provision", new { lamps = new[] { new { id = fresh, covers = new[] { "B1" } } } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains($"lamp/{fresh}", added.GetProperty("added").EnumerateArray().Select(a => a.GetString()));

        var again = await (await silo.Http.PostAsJsonAsync("/api/provision", new { lamps = new[] { new { id = fresh, covers = new[] { "B1" } } } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("added").GetArrayLength());
        Assert.Equal(1, again.GetProperty("unchanged").GetInt32());

        var bad = await silo.Http.PostAsJsonAsync("/api/provision", new { lamps = new[] { new { id = "L-ok-1", covers = new[] { "B99" } }, new { id = "bad id!", covers = Array.Empty<string>() } } });
        await AssertProblem(bad, HttpStatusCode.BadRequest, "B99");
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/api/twins/lamp/L-ok-1")).StatusCode);
    }

    [Fact]
    public async Task Health_and_metrics_are_served()
    {
        using var anonymous = silo.Client(null);
        var health = await anonymous.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ready", health.GetProperty("status").GetString());
        var metrics = await anonymous.GetStringAsync("/metrics");
        Assert.Contains("twin_active", metrics);
        Assert.Contains("twin_mqtt_published_total", metrics);
        Assert.Contains("twin_state_changes_total", metrics);
    }
}
