using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class IncidentTests(SiloFixture silo)
{
    static JsonElement Task(JsonElement incident, string role) =>
        incident.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("role").GetString() == role);

    [Fact]
    public async Task A_fire_drill_runs_the_playbook_with_every_party_and_closes_with_a_report()
    {
        await using var devices = await silo.Device();
        await devices.Subscribe("twin/gate/+/command", "twin/household/+/command", "twin/incident/+/state");

        var raise = await silo.Http.PostAsJsonAsync("/api/incidents", new { type = "fire", building = "B6", description = "fire drill, building 6", drill = true });
        Assert.Equal(HttpStatusCode.Created, raise.StatusCode);
        var id = (await raise.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var incident = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}"),
            i => i.GetProperty("households").GetProperty("total").GetInt32() > 0, "the playbook to run");
        Assert.Equal(["fire", "property", "committee"], incident.GetProperty("tasks").EnumerateArray().Where(t => !t.TryGetProperty("household", out _))
            .Select(t => t.GetProperty("role").GetString()!).Take(3).ToArray());
        Assert.Contains("fire-119", Task(incident, "fire").GetProperty("parties").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains(incident.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("role").GetString() == "grid"
            && t.GetProperty("parties").EnumerateArray().Any(p => p.GetString() == "grid-li"));
        Assert.True(incident.GetProperty("drill").GetBoolean());
        var gateCommand = await devices.WaitFor("twin/gate/G-north/command", c => c.GetProperty("args").GetProperty("mode").GetString() == "evacuation");
        Assert.Contains(id, gateCommand.GetProperty("reason").GetString());
        Assert.True(gateCommand.GetProperty("drill").GetBoolean());
        var household = incident.GetProperty("householdDetails")[0].GetProperty("household").GetString()!;
        await devices.WaitFor($"twin/household/{household}/command", c => c.GetProperty("command").GetString() == "request_check_in");

        // The fire service acknowledges its own task; the police may not.
        using var fire = silo.Client("demo-fire");
        using var police = silo.Client("demo-police");
        Assert.Equal(HttpStatusCode.Forbidden, (await police.PostAsync($"/api/incidents/{id}/tasks/{Task(incident, "fire").GetProperty("id").GetString()}/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fire.PostAsync($"/api/incidents/{id}/tasks/{Task(incident, "fire").GetProperty("id").GetString()}/ack", null)).StatusCode);

        // A household checks in by itself; a grid worker marks another by hand.
        await devices.Publish($"twin/household/{household}/event", new { type = "check_in", status = "safe" });
        var other = incident.GetProperty("householdDetails")[1].GetProperty("household").GetString()!;
        using var grid = silo.Client("demo-grid-li");
        Assert.Equal(HttpStatusCode.OK, (await grid.PostAsJsonAsync($"/api/incidents/{id}/households/{other}", new { status = "need_help" })).StatusCode);
        var counted = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}"),
            i => i.GetProperty("households").GetProperty("safe").GetInt32() == 1 && i.GetProperty("households").GetProperty("needHelp").GetInt32() == 1, "the two households");

        // The north gate confirms by reporting the state it was asked for; the south gate never answers.
        await devices.Publish("twin/gate/G-north/telemetry", new { locked = false, open = true });
        var settled = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}"),
            i => i.GetProperty("actions").EnumerateArray().Any(a => a.GetProperty("twin").GetString() == "gate/G-north" && a.GetProperty("status").GetString() == "confirmed")
                && i.GetProperty("actions").EnumerateArray().Any(a => a.GetProperty("twin").GetString() == "gate/G-south" && a.GetProperty("status").GetString() == "failed"),
            "the north gate's confirmation and the south gate's failure");
        Assert.Contains(settled.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("who").GetString() == "gate/G-south"
            && t.GetProperty("what").GetString()!.StartsWith("FAILED set_mode", StringComparison.Ordinal));
        Assert.Contains(settled.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("role").GetString() == "property"
            && t.GetProperty("title").GetString()!.Contains("gate/G-south", StringComparison.Ordinal));

        // The committee never acknowledges: its task escalates to the street office, on the timeline.
        var escalated = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}"),
            i => Task(i, "committee").GetProperty("escalatedTo").GetArrayLength() >= 1, "the committee's task to escalate");
        Assert.Equal("street-office", Task(escalated, "committee").GetProperty("escalatedTo")[0].GetString());
        Assert.Contains(escalated.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("what").GetString()!.Contains("escalated to street-office", StringComparison.Ordinal));

        var listed = await silo.Http.GetFromJsonAsync<JsonElement>("/api/incidents?status=active");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
        await devices.WaitFor($"twin/incident/{id}/state", s => s.GetProperty("households").GetProperty("safe").GetInt32() == 1);

        // Only a coordinator closes; closing puts the gates back to normal.
        Assert.Equal(HttpStatusCode.Forbidden, (await fire.PostAsync($"/api/incidents/{id}/close", null)).StatusCode);
        using var committee = silo.Client("demo-committee");
        var closed = await (await committee.PostAsync($"/api/incidents/{id}/close", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        await devices.WaitFor("twin/gate/G-north/command", c => c.GetProperty("args").GetProperty("mode").GetString() == "normal");

        var report = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/report");
        Assert.True(report.GetProperty("drill").GetBoolean());
        Assert.True(report.GetProperty("secondsToFirstAckByRole").TryGetProperty("fire", out _));
        Assert.Contains(report.GetProperty("missedDeadlines").EnumerateArray(), m => m.GetProperty("role").GetString() == "committee");
        Assert.Contains(report.GetProperty("failedDeviceActions").EnumerateArray(), a => a.GetProperty("twin").GetString() == "gate/G-south");
        Assert.Contains("property", report.GetProperty("rolesThatNeverAcknowledged").EnumerateArray().Select(r => r.GetString()));
        var total = counted.GetProperty("households").GetProperty("total").GetInt32();
        Assert.Equal(total - 2, report.GetProperty("householdsNeverAccounted").GetArrayLength());
        var html = await silo.Http.GetStringAsync($"/api/incidents/{id}/report?format=html");
        Assert.Contains("After-action report", html);
        Assert.Contains(other, html);
    }

    [Fact]
    public async Task A_smoke_alarm_over_MQTT_opens_a_fire_incident_and_a_second_one_attaches()
    {
        var first = await silo.NewTwin("household", building: "B7");
        var second = await silo.NewTwin("household", building: "B7");
        await using var device = await silo.Device();

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var stream = silo.Client(SiloFixture.AdminToken);
        stream.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await stream.GetAsync("/api/stream?building=B7&kind=incident", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        await device.Publish($"twin/household/{first}/event", new { type = "smoke_alarm" });
        await device.Publish($"twin/household/{second}/event", new { type = "smoke_alarm" });

        Assert.Equal("event: incident", await events.ReadLineAsync(cancel.Token));
        var data = JsonDocument.Parse((await events.ReadLineAsync(cancel.Token))!["data:".Length..]).RootElement;
        Assert.Equal("fire", data.GetProperty("type").GetString());
        Assert.Equal("B7", data.GetProperty("building").GetString());

        var fires = await Eventually.Get(async () => (await silo.Http.GetFromJsonAsync<JsonElement>("/api/incidents?status=active")).GetProperty("items")
                .EnumerateArray().Where(i => i.GetProperty("building").GetString() == "B7" && i.GetProperty("type").GetString() == "fire").ToList(),
            l => l.Count == 1, "one fire incident in B7");
        // Whichever alarm came first opened the incident; the other is on its timeline as another trigger.
        var incident = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{fires[0].GetProperty("id").GetString()}"),
            i => i.GetProperty("timeline").EnumerateArray().Any(t => t.GetProperty("what").GetString()!.StartsWith("another trigger", StringComparison.Ordinal)),
            "the second alarm on the timeline");
        var opener = incident.GetProperty("description").GetString()!.Contains(first, StringComparison.Ordinal) ? first : second;
        var attached = opener == first ? second : first;
        Assert.Contains(opener, incident.GetProperty("description").GetString());
        Assert.Contains(incident.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("what").GetString()!.Contains(attached, StringComparison.Ordinal));
        await Eventually.Get(() => silo.GetTwin("building", "B7"), b => b.GetProperty("rollup").GetProperty("activeIncidents").GetInt32() == 1,
            "the building to count its active incident");
        Assert.True((await silo.Http.GetFromJsonAsync<JsonElement>("/api/communities/sunrise")).GetProperty("activeIncidents").GetInt32() >= 1);

        using var committee = silo.Client("demo-committee");
        await committee.PostAsync($"/api/incidents/{incident.GetProperty("id").GetString()}/close", null);
        await Eventually.Get(() => silo.GetTwin("building", "B7"), b => b.GetProperty("rollup").GetProperty("activeIncidents").GetInt32() == 0,
            "the building to count no active incident after the close");
    }

    [Fact]
    public async Task A_panic_button_opens_a_medical_incident_for_that_household_and_an_unanswered_task_escalates()
    {
        var household = await silo.NewTwin("household", building: "B3");
        await using var device = await silo.Device();

        await device.Publish($"twin/household/{household}/event", new { type = "panic_button" });

        var medical = await Eventually.Get(async () => (await silo.Http.GetFromJsonAsync<JsonElement>("/api/incidents?status=active")).GetProperty("items")
            .EnumerateArray().FirstOrDefault(i => i.GetProperty("twin").ValueKind == JsonValueKind.String && i.GetProperty("twin").GetString() == $"household/{household}"),
            i => i.ValueKind == JsonValueKind.Object, "a medical incident for the household");
        Assert.Equal("medical", medical.GetProperty("type").GetString());
        var id = medical.GetProperty("id").GetString()!;
        Assert.Equal(["medical", "property", "grid"], medical.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("role").GetString()!).ToArray());
        Assert.Contains("medical-120", Task(medical, "medical").GetProperty("parties").EnumerateArray().Select(p => p.GetString()));

        // Nobody answers: within the (test) deadline every task escalates, and the timeline says so.
        var escalated = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}"),
            i => i.GetProperty("tasks").EnumerateArray().All(t => t.GetProperty("escalatedTo").GetArrayLength() >= 1), "every task to escalate");
        Assert.Contains(escalated.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("what").GetString()!.Contains("(medical (medical-120)) not acknowledged", StringComparison.Ordinal));

        // A second household's panic in the same building is a second patient: a second incident.
        var neighbour = await silo.NewTwin("household", building: "B3");
        await device.Publish($"twin/household/{neighbour}/event", new { type = "panic_button" });
        await Eventually.Get(async () => (await silo.Http.GetFromJsonAsync<JsonElement>("/api/incidents?status=active")).GetProperty("items")
            .EnumerateArray().Count(i => i.GetProperty("type").GetString() == "medical" && i.GetProperty("building").GetString() == "B3"), n => n >= 2, "a second medical incident");
    }

    [Fact]
    public async Task A_gas_alarm_opens_a_gas_leak_incident_that_evacuates_the_gates_and_asks_the_building_to_check_in()
    {
        var household = await silo.NewTwin("household", building: "B4");
        await using var device = await silo.Device();
        await device.Subscribe("twin/gate/G-west/command", $"twin/household/{household}/command");

        await device.Publish($"twin/household/{household}/event", new { type = "gas_alarm" });

        var gas = await Eventually.Get(async () => (await silo.Http.GetFromJsonAsync<JsonElement>("/api/incidents?status=active")).GetProperty("items")
            .EnumerateArray().FirstOrDefault(i => i.GetProperty("type").GetString() == "gas_leak" && i.GetProperty("building").GetString() == "B4"),
            i => i.ValueKind == JsonValueKind.Object, "a gas leak incident in B4");
        await device.WaitFor("twin/gate/G-west/command", c => c.GetProperty("args").GetProperty("mode").GetString() == "evacuation");
        await device.WaitFor($"twin/household/{household}/command", c => c.GetProperty("command").GetString() == "request_check_in");
        Assert.Equal(["fire", "property", "committee"], gas.GetProperty("tasks").EnumerateArray().Where(t => !t.TryGetProperty("household", out _))
            .Select(t => t.GetProperty("role").GetString()!).ToArray());
        using var committee = silo.Client("demo-committee");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await committee.PostAsync($"/api/incidents/{gas.GetProperty("id").GetString()}/close", null)).StatusCode);
    }

    [Theory]
    [InlineData("{\"type\": \"meteor\", \"building\": \"B1\", \"description\": \"x\"}", HttpStatusCode.BadRequest, "fire, gas_leak")]
    [InlineData("{\"type\": \"fire\", \"building\": \"B99\", \"description\": \"x\"}", HttpStatusCode.BadRequest, "No building 'B99'")]
    [InlineData("{\"type\": \"fire\", \"description\": \"x\"}", HttpStatusCode.BadRequest, "Say where")]
    [InlineData("{\"type\": \"fire\", \"twin\": \"lamp/L-404\", \"description\": \"x\"}", HttpStatusCode.BadRequest, "No lamp 'L-404'")]
    [InlineData("{\"type\": \"fire\", \"building\": \"B1\"}", HttpStatusCode.BadRequest, "description")]
    public async Task Raising_an_incident_badly_gets_a_problem_that_says_what_to_fix(string body, HttpStatusCode status, string detail)
    {
        var response = await silo.Http.PostAsync("/api/incidents", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_resident_cannot_raise_an_incident_through_the_api()
    {
        using var resident = silo.Client("demo-home-B1-1-0501");
        var response = await resident.PostAsJsonAsync("/api/incidents", new { type = "fire", building = "B1", description = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_incidents_and_tasks_are_404_problems()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/api/incidents/inc-nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.PostAsync("/api/incidents/inc-nope/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/api/incidents/inc-nope/report")).StatusCode);
    }
}
