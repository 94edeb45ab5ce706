using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Durable;

/// <summary>The whole silo on PostgreSQL, restarted in-process. (Kill -9 and several silos: see the Cluster tests.)</summary>
public sealed class DurableSiloFixture : SiloFixture
{
    readonly PostgresFixture postgres = new();
    string? connectionString;

    public const string ReminderPeriod = "00:00:02";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Twin:Postgres", connectionString),
        new("Twin:Incidents:ReminderPeriod", ReminderPeriod),
        new("Twin:Deadlines:ReminderPeriod", "00:00:10"),
    ];

    public override async Task InitializeAsync()
    {
        await postgres.InitializeAsync();
        connectionString = await postgres.CreateDatabaseAsync("silo");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await postgres.DisposeAsync();
    }
}

public sealed class DurableSiloTests(DurableSiloFixture silo) : IClassFixture<DurableSiloFixture>
{
    [Fact]
    public async Task The_history_of_a_twin_holds_each_accepted_message_once_and_its_changes_newest_first()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();

        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 1, lux = 300 });
        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 2, lux = 20 });
        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 2, lux = 20 }); // redelivered
        await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 3, lux = 15 });

        var page = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/twins/lamp/{lamp}/history"),
            p => Messages(p).Count == 3, "three messages in the history");
        Assert.StartsWith("postgresql", page.GetProperty("retention").GetString());
        Assert.Equal([3L, 2L, 1L], Messages(page).Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal(15, Messages(page)[0].GetProperty("body").GetProperty("lux").GetInt32());
        // Dusk: the lamp's rules asked the device to light up, and the history says so.
        Assert.Contains(page.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "change"
            && i.GetProperty("body").GetProperty("commandsIssued").EnumerateArray().Any(c => c.GetString()!.StartsWith("set_brightness", StringComparison.Ordinal)));

        var limited = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/twins/lamp/{lamp}/history?limit=1");
        Assert.Equal(1, limited.GetProperty("count").GetInt32());
        var bad = await silo.Http.GetAsync($"/api/twins/lamp/{lamp}/history?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/api/twins/lamp/no-such-lamp/history")).StatusCode);

        Assert.True(await silo.Metric("twin_history_written_total") >= 3);
        Assert.True(await silo.Metric("twin_history_batch_size_count") >= 1);
        Assert.True(await silo.Metric("twin_history_flush_duration_milliseconds_count") >= 1);
        Assert.Contains("twin_history_queue_depth", await silo.Http.GetStringAsync("/metrics"));
        var health = await silo.Http.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("up", health.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task After_a_restart_twins_work_orders_incidents_and_the_audit_log_are_back()
    {
        var lamp = await silo.NewTwin("lamp");
        var bin = await silo.NewTwin("bin");
        await using (var device = await silo.Device())
        {
            await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 41, lux = 480.5 });
            await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 7, fillPercent = 91 });
        }
        var workOrder = await Eventually.Get(async () => await silo.Http.WorkOrderFor($"bin/{bin}"), w => w is not null, "a work order for the full bin");
        var incident = await Raise("fire", "B3");
        var task = incident.GetProperty("tasks")[0].GetProperty("id").GetString()!;
        Assert.True((await silo.Http.PostAsync($"/api/incidents/{incident.GetProperty("id").GetString()}/tasks/{task}/ack", null)).IsSuccessStatusCode);
        using var committee = silo.Client("demo-committee");
        await committee.GetFromJsonAsync<JsonElement>("/api/twins/household/B3-1-0501");
        await Eventually.True(async () => (await Lamp()).GetProperty("lastSeq").GetInt64() == 41, "the lamp to apply seq 41");

        await silo.StopSilo();
        await silo.StartSilo();

        var twin = await Lamp();
        Assert.Equal(480.5, twin.GetProperty("reported").GetProperty("lux").GetDouble());
        Assert.Equal(41, twin.GetProperty("lastSeq").GetInt64());
        var order = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/workorders/{workOrder!.Value.GetProperty("id").GetString()}");
        Assert.Equal("open", order.GetProperty("status").GetString());
        var after = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident.GetProperty("id").GetString()}");
        Assert.Equal("active", after.GetProperty("status").GetString());
        Assert.Equal("acknowledged", after.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == task).GetProperty("status").GetString());
        var audit = await silo.Http.GetFromJsonAsync<JsonElement>("/api/audit?subject=household/B3-1-0501");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("role").GetString() == "committee");

        // The seq survived too: the device's repeat of seq 41 is a duplicate, not a new reading.
        await using var again = await silo.Device();
        await again.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 41, lux = 1 });
        await again.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 42, lux = 470 });
        await Eventually.True(async () => (await Lamp()).GetProperty("lastSeq").GetInt64() == 42, "the lamp to apply seq 42");
        Assert.Equal(470, (await Lamp()).GetProperty("reported").GetProperty("lux").GetDouble());

        Task<JsonElement> Lamp() => silo.GetTwin("lamp", lamp);
    }

    [Fact]
    public async Task An_incident_left_alone_across_a_restart_is_woken_by_its_reminder_and_escalates()
    {
        // A power outage sends no device commands, so no device's answer can wake the incident either.
        var playbook = await silo.Http.PostAsJsonAsync("/api/provision", new { playbooks = new { power_outage = new { ackWithinSeconds = 2 } } });
        playbook.EnsureSuccessStatusCode();
        var incident = await Raise("power_outage", "B7");
        var id = incident.GetProperty("id").GetString()!;

        await silo.StopSilo();
        await silo.StartSilo();
        // Nobody asks for the incident over HTTP: only its reminder can bring it back and make it publish.
        await using var watcher = await silo.Device();
        await watcher.Subscribe($"twin/incident/{id}/state");

        var state = await watcher.WaitFor($"twin/incident/{id}/state",
            s => s.GetProperty("tasks").EnumerateArray().Any(t => t.GetProperty("escalatedTo").GetArrayLength() > 0),
            TimeSpan.FromSeconds(30));
        Assert.Contains(state.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("what").GetString()!.Contains("escalat", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task After_a_restart_feedback_polls_and_their_boards_are_back_and_a_poll_is_closed_by_its_reminder()
    {
        using var resident = silo.Client("demo-home-B1-1-0702");
        using var property = silo.Client("demo-property");
        using var committee = silo.Client("demo-committee");
        var filed = await resident.PostAsJsonAsync("/api/feedback", new { category = "repair", text = "the B1 door closer is broken" });
        var feedback = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var triaged = await property.PostAsJsonAsync($"/api/feedback/{feedback}/workorder", new { summary = "repair the B1 door closer" });
        var workOrder = (await triaged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("workOrder").GetString()!;
        var opened = await committee.PostAsJsonAsync("/api/polls", new { question = "Keep the B1 door closed at night?", options = new[] { "Yes", "No" }, closesAt = DateTimeOffset.UtcNow.AddSeconds(15) });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var poll = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        (await resident.PostAsJsonAsync($"/api/polls/{poll}/votes", new { option = "No" })).EnsureSuccessStatusCode();
        await Eventually.True(async () => (await Listed(committee, "/api/polls", poll))?.GetProperty("votes").GetInt32() == 1, "the vote on the poll board");

        await silo.StopSilo();
        await silo.StartSilo();

        var back = (await Listed(resident, "/api/feedback", feedback))!.Value;
        Assert.Equal("in_work", back.GetProperty("status").GetString());
        Assert.Equal(workOrder, back.GetProperty("workOrder").GetString());
        Assert.Equal(feedback, (await silo.Http.GetFromJsonAsync<JsonElement>($"/api/workorders/{workOrder}")).GetProperty("feedback").GetString());
        // Only the boards are asked, never the poll itself: its reminder has to wake it to close it and publish the result.
        var notice = await Eventually.Get(async () => (await resident.GetFromJsonAsync<JsonElement>("/api/notices")).GetProperty("items").EnumerateArray()
            .FirstOrDefault(n => n.GetProperty("source").GetString() == $"poll/{poll}"), n => n.ValueKind != JsonValueKind.Undefined, "the poll's result as a notice", TimeSpan.FromSeconds(40));
        Assert.Contains("\"No\" has the most votes", notice.GetProperty("text").GetString());
    }

    static async Task<JsonElement?> Listed(HttpClient client, string list, string id) =>
        (await client.GetFromJsonAsync<JsonElement>(list)).GetProperty("items").EnumerateArray()
            .Select(i => (JsonElement?)i).FirstOrDefault(i => i!.Value.GetProperty("id").GetString() == id);

    async Task<JsonElement> Raise(string type, string building)
    {
        var raise = await silo.Http.PostAsJsonAsync("/api/incidents", new { type, building, description = $"{type} in {building}, durable test" });
        Assert.Equal(HttpStatusCode.Created, raise.StatusCode);
        return await raise.Content.ReadFromJsonAsync<JsonElement>();
    }

    static List<JsonElement> Messages(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "telemetry")];
}
