using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Twin.Silo.Security;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class SecurityTests(SiloFixture silo)
{
    static readonly Dictionary<string, string> TokenOf = new()
    {
        ["property"] = "demo-property",
        ["committee"] = "demo-committee",
        ["grid"] = "demo-grid-wang",
        ["police"] = "demo-police",
        ["fire"] = "demo-fire",
        ["medical"] = "demo-medical",
        ["resident"] = "demo-home-B1-1-0501",
        ["admin"] = SiloFixture.AdminToken,
    };

    /// <summary>One request per route of the matrix, harmless for whoever may make it.</summary>
    static HttpRequestMessage Sample(string route, string role) => route switch
    {
        "session" => new(HttpMethod.Get, "/api/session"),
        "kinds" => new(HttpMethod.Get, "/api/kinds"),
        "twins.get" => new(HttpMethod.Get, "/api/twins/lamp/L-01"),
        "twins.history" => new(HttpMethod.Get, "/api/twins/lamp/L-01/history?limit=5"),
        "twins.list" => new(HttpMethod.Get, "/api/twins?kind=lamp"),
        "twins.command" => Post("/api/twins/lamp/L-02/commands", """{"command": "clear_alarm", "args": {"code": "none"}}"""),
        "communities.get" => new(HttpMethod.Get, "/api/communities/sunrise"),
        "stream" => new(HttpMethod.Get, "/api/stream?kind=gate"),
        "incidents.raise" => Post("/api/incidents", "{}"),
        "incidents.list" => new(HttpMethod.Get, "/api/incidents"),
        "incidents.get" => new(HttpMethod.Get, "/api/incidents/inc-none"),
        "incidents.task" => Post("/api/incidents/inc-none/tasks/t1/ack", "{}"),
        "incidents.household" => Post("/api/incidents/inc-none/households/B1-1-0501", """{"status": "safe"}"""),
        "incidents.close" => Post("/api/incidents/inc-none/close", "{}"),
        "incidents.report" => new(HttpMethod.Get, "/api/incidents/inc-none/report"),
        "workorders.list" => new(HttpMethod.Get, "/api/workorders"),
        "workorders.get" => new(HttpMethod.Get, "/api/workorders/wo-none"),
        "workorders.step" => Post("/api/workorders/wo-none/start", "{}"),
        "workorders.rating" => Post("/api/workorders/wo-none/rating", """{"stars": 5}"""),
        "feedback.file" => Post("/api/feedback", "{}"),
        "feedback.list" => new(HttpMethod.Get, "/api/feedback"),
        "feedback.get" => new(HttpMethod.Get, "/api/feedback/fb-none"),
        "feedback.answer" => Post("/api/feedback/fb-none/answer", """{"text": "thanks"}"""),
        "feedback.workorder" => Post("/api/feedback/fb-none/workorder", "{}"),
        "polls.open" => Post("/api/polls", "{}"),
        "polls.list" => new(HttpMethod.Get, "/api/polls"),
        "polls.get" => new(HttpMethod.Get, "/api/polls/poll-none"),
        "polls.vote" => Post("/api/polls/poll-none/votes", """{"option": "Yes"}"""),
        "polls.close" => Post("/api/polls/poll-none/close", "{}"),
        "notices.list" => new(HttpMethod.Get, "/api/notices"),
        "welfare.list" => new(HttpMethod.Get, "/api/welfare"),
        "welfare.get" => new(HttpMethod.Get, "/api/welfare/B1-1-0501"),
        "welfare.step" => Post("/api/welfare/none-such/ack", "{}"),
        "dashboard" => new(HttpMethod.Get, "/dashboard/"),
        "provision" => Post("/api/provision", "{}"),
        "diagnostics.memory" => new(HttpMethod.Get, "/api/diagnostics/memory"),
        "audit" => new(HttpMethod.Get, role == "resident" ? "/api/audit?subject=mine" : "/api/audit?limit=5"),
        _ => throw new ArgumentException($"no sample request for route {route}"),
    };

    static HttpRequestMessage Post(string url, string json) => new(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static TheoryData<string> Routes() => [.. AccessMatrix.Routes.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_role_gets_exactly_what_the_matrix_says(string route)
    {
        var access = AccessMatrix.Get(route);
        var wrong = new List<string>();
        foreach (var role in AccessMatrix.Roles)
        {
            using var client = silo.Client(TokenOf[role]);
            using var request = Sample(route, role);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            var allowed = access.Roles.Contains(role) && !(role == "resident" && access.ResidentOwnOnly);
            if (status >= 500 || status == 401 || (allowed ? status == 403 : status != 403))
                wrong.Add($"{role}: {status}");
        }
        Assert.True(wrong.Count == 0, $"{access.Method} {access.Path}: {string.Join(", ", wrong)}");
    }

    [Fact]
    public void The_docs_show_the_matrix_the_code_enforces()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Twin.sln")))
            dir = dir.Parent;
        var docs = File.ReadAllText(Path.Combine(dir.FullName, "docs", "security.md"));
        Assert.Contains(AccessMatrix.MarkdownTable(), docs.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_resident_reads_its_own_household_with_its_members_and_no_other()
    {
        using var resident = silo.Client("demo-home-B1-1-0501");
        var own = await resident.GetFromJsonAsync<JsonElement>("/api/twins/household/B1-1-0501");
        Assert.Equal("Wang Xiuying", own.GetProperty("members")[0].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/api/twins/household/B1-1-0601")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/api/audit?subject=household/B1-1-0601")).StatusCode);
    }

    [Fact]
    public async Task The_fire_service_sees_a_households_contacts_only_while_its_fire_is_active_and_every_read_is_audited()
    {
        const string household = "B2-1-0101";
        using var fire = silo.Client("demo-fire");
        async Task<bool> FireSeesMembers() => (await fire.GetFromJsonAsync<JsonElement>($"/api/twins/household/{household}")).TryGetProperty("members", out _);

        Assert.False(await FireSeesMembers());

        var raised = await silo.Http.PostAsJsonAsync("/api/incidents", new { type = "fire", building = "B2", description = "fire in B2" });
        var id = (await raised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.True(await FireSeesMembers());

        using var committee = silo.Client("demo-committee");
        await committee.PostAsync($"/api/incidents/{id}/close", null);
        Assert.False(await FireSeesMembers());

        var audit = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/audit?subject=household/{household}");
        var fireReads = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("party").GetString() == "fire-119").ToList();
        var read = Assert.Single(fireReads);
        Assert.Contains(id, read.GetProperty("purpose").GetString());
        Assert.Equal("members", read.GetProperty("fields")[0].GetString());
    }

    [Fact]
    public async Task A_resident_sees_who_read_its_household()
    {
        using var committee = silo.Client("demo-committee");
        await committee.GetAsync("/api/twins/household/B1-1-0501");
        using var resident = silo.Client("demo-home-B1-1-0501");

        var audit = await resident.GetFromJsonAsync<JsonElement>("/api/audit?subject=mine");

        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("party").GetString() == "committee-sunrise"
            && e.GetProperty("subject").GetString() == "household/B1-1-0501");
    }

    [Fact]
    public async Task Parties_without_a_purpose_never_see_members_in_any_answer()
    {
        foreach (var role in new[] { "property", "police", "medical" })
        {
            using var client = silo.Client(TokenOf[role]);
            var text = await client.GetStringAsync("/api/twins/household/B1-1-0501");
            Assert.DoesNotContain("Wang Xiuying", text);
            Assert.DoesNotContain("0000 0001", text);
            Assert.DoesNotContain("elderly_alone", text);
        }
    }

    [Fact]
    public async Task Which_households_have_vulnerable_residents_is_shown_only_to_parties_who_care_for_them()
    {
        await using var device = await silo.Device();
        var raised = await silo.Http.PostAsJsonAsync("/api/incidents", new { type = "fire", building = "B3", description = "fire in B3" });
        var id = (await raised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await device.Subscribe($"twin/incident/{id}/state");

        using var committee = silo.Client("demo-committee");
        var full = await Eventually.Get(() => committee.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}"),
            i => i.GetProperty("tasks").EnumerateArray().Any(t => t.TryGetProperty("household", out _)), "the assisted-evacuation tasks");
        Assert.Contains(full.GetProperty("householdDetails").EnumerateArray(), h => h.TryGetProperty("vulnerable", out var v) && v.GetBoolean());

        using var police = silo.Client("demo-police");
        var shown = await police.GetStringAsync($"/api/incidents/{id}");
        Assert.DoesNotContain("\"vulnerable\"", shown);
        Assert.DoesNotContain("Assisted evacuation", shown);
        var retained = await device.WaitFor($"twin/incident/{id}/state", s => s.GetProperty("households").GetProperty("total").GetInt32() > 0);
        Assert.DoesNotContain("Assisted evacuation", retained.GetRawText());
        Assert.DoesNotContain("\"vulnerable\"", retained.GetRawText());
        await committee.PostAsync($"/api/incidents/{id}/close", null);
    }

    [Fact]
    public async Task A_face_match_subject_is_shown_to_the_police_only()
    {
        var camera = await silo.NewTwin("camera");
        await using var device = await silo.Device();
        await device.Publish($"twin/camera/{camera}/event", new { type = "face_match", watchlist = "wanted", subjectHash = "sha256:abc123" });
        await Eventually.Get(() => silo.GetTwin("camera", camera), t => t.GetProperty("reported").TryGetProperty("lastFaceMatch", out _), "the face match");

        using var police = silo.Client("demo-police");
        using var property = silo.Client("demo-property");
        Assert.Contains("sha256:abc123", await police.GetStringAsync($"/api/twins/camera/{camera}"));
        Assert.DoesNotContain("sha256:abc123", await property.GetStringAsync($"/api/twins/camera/{camera}"));
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_with_413()
    {
        var body = "{\"description\": \"" + new string('x', 70_000) + "\"}";
        var response = await silo.Http.PostAsync("/api/incidents", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_party_sending_too_many_requests_gets_429_with_retry_after()
    {
        // A resident no other test of this silo signs in as: the budget it spends here would fail their requests.
        using var resident = silo.Client("demo-home-B1-1-0702");
        var responses = await Task.WhenAll(Enumerable.Range(0, 600).Select(_ => resident.GetAsync("/api/communities/sunrise")));

        var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        foreach (var response in responses)
            response.Dispose();
    }

    [Theory]
    [InlineData("/api/twins/household/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/api/twins/lamp/L-01%27%20OR%201=1")]
    [InlineData("/api/incidents/%3Cscript%3E")]
    [InlineData("/api/workorders/a%00b")]
    [InlineData("/api/audit?subject=household/..%2Fx")]
    public async Task Ids_outside_the_pattern_are_400_never_500(string url) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await silo.Http.GetAsync(url)).StatusCode);
}
