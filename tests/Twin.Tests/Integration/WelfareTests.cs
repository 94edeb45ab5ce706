using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;
using static Twin.Tests.Support.ParticipationSiloFixture;

namespace Twin.Tests.Integration;

/// <summary>
/// Each test watches a household provisioned for it (one vulnerable resident) and ends the watch afterwards, so a
/// household left silent does not open check after check behind the other tests.
/// </summary>
[Collection(ParticipationCollection.Name)]
public sealed class WelfareTests(ParticipationSiloFixture silo)
{
    HttpClient Wang => silo.As(GridWang);
    HttpClient Li => silo.As(GridLi);
    static readonly TimeSpan UntilCheck = InactivityWindow + TimeSpan.FromSeconds(10);

    Task<JsonElement> OpenCheck(HttpClient grid, string household) =>
        Eventually.Get(() => grid.GetJson($"/api/welfare/{household}"), w => w.TryGetProperty("check", out var c) && c.Text("status") == "open",
            $"a welfare check for household {household}", UntilCheck);

    [Fact]
    public async Task A_silent_vulnerable_household_gets_a_check_for_its_grid_worker_that_escalates_until_a_check_in_closes_it()
    {
        var household = await silo.NewTwin("household", building: "B1");
        try
        {
            var watched = await Wang.GetJson($"/api/welfare/{household}");
            Assert.True(watched.GetProperty("watching").GetBoolean());
            Assert.False(watched.TryGetProperty("check", out _));

            await OpenCheck(Wang, household);
            var listed = await Wang.Listed("/api/welfare?status=open", w => w.Text("household") == household, "the check in the grid worker's list");
            var task = listed.GetProperty("check").GetProperty("task");
            Assert.Equal(["grid-wang"], task.Strings("parties"));
            Assert.Equal("pending", task.Text("status"));
            Assert.True(task.GetProperty("deadline").GetDateTimeOffset() > listed.GetProperty("check").GetProperty("openedAt").GetDateTimeOffset());
            Assert.Equal("Test Resident", listed.GetProperty("residents")[0].Text("name"));
            Assert.Equal("B1", listed.Text("building"));

            Assert.DoesNotContain(await Li.Items("/api/welfare?status=open"), w => w.Text("household") == household);
            Assert.Contains("B1", await (await Li.GetAsync($"/api/welfare/{household}")).ExpectProblem(HttpStatusCode.Forbidden));

            var escalated = await Eventually.Get(() => Wang.GetJson($"/api/welfare/{household}"),
                w => w.GetProperty("check").GetProperty("task").Strings("escalatedTo").Length > 0, "the unacknowledged check to escalate", AckWithin + TimeSpan.FromSeconds(10));
            Assert.Equal("committee-sunrise", escalated.GetProperty("check").GetProperty("task").Strings("escalatedTo")[0]);
            Assert.Contains(escalated.GetProperty("check").Timeline(), what => what.Contains("escalated to committee-sunrise", StringComparison.Ordinal));
            await silo.As(Committee).Listed("/api/welfare?status=escalated", w => w.Text("household") == household, "the check among the escalated");

            await using var device = await silo.Device();
            await device.Publish($"twin/household/{household}/event", new { type = "check_in", status = "safe" });

            var closed = await Eventually.Get(() => Wang.GetJson($"/api/welfare/{household}"), w => w.GetProperty("check").Text("status") == "closed",
                "the check-in to close the check");
            Assert.Equal("checked in: safe", closed.GetProperty("check").Text("closedHow"));
            Assert.Equal($"household/{household}", closed.GetProperty("check").Text("closedBy"));
            Assert.Equal("checked in: safe", closed.Text("lastActivity"));
            await Wang.Unlisted("/api/welfare?status=open", w => w.Text("household") == household, "the check to leave the open ones");
        }
        finally
        {
            await silo.StopWatching(household, "B1");
        }
    }

    [Fact]
    public async Task A_grid_workers_visit_closes_the_check_and_each_read_of_the_residents_is_audited()
    {
        var household = await silo.NewTwin("household", building: "B2");
        try
        {
            await OpenCheck(Wang, household);

            Assert.Equal(HttpStatusCode.Forbidden, (await Li.PostAsJsonAsync($"/api/welfare/{household}/ack", new { })).StatusCode);
            var acknowledged = await Wang.Post($"/api/welfare/{household}/ack", new { note = "on my way" });
            Assert.Equal("acknowledged", acknowledged.GetProperty("check").GetProperty("task").Text("status"));
            Assert.Equal("grid-wang", acknowledged.GetProperty("check").GetProperty("task").Text("acknowledgedBy"));
            Assert.Equal("open", acknowledged.GetProperty("check").Text("status"));
            await (await Wang.PostAsJsonAsync($"/api/welfare/{household}/ack", new { })).ExpectProblem(HttpStatusCode.Conflict);

            var visited = await Wang.Post($"/api/welfare/{household}/complete", new { note = "she had switched her phone off" });
            var check = visited.GetProperty("check");
            Assert.Equal("closed", check.Text("status"));
            Assert.Equal("grid-wang", check.Text("closedBy"));
            Assert.Equal("visited by grid-wang: she had switched her phone off", check.Text("closedHow"));
            await Wang.Listed("/api/welfare?status=closed", w => w.Text("household") == household, "the check among the closed");
            await (await Wang.PostAsJsonAsync($"/api/welfare/{household}/complete", new { })).ExpectProblem(HttpStatusCode.Conflict);

            var audit = await silo.Http.Items($"/api/audit?subject=household/{household}");
            var reads = audit.Where(e => e.Text("party") == "grid-wang").ToArray();
            Assert.NotEmpty(reads);
            Assert.All(reads, e => Assert.Contains("welfare", e.Text("purpose")));
            Assert.Contains(reads, e => e.Strings("fields").Contains("members"));
            // The grid worker of other buildings was refused, so it read nothing.
            Assert.DoesNotContain(audit, e => e.Text("party") == "grid-li");
        }
        finally
        {
            await silo.StopWatching(household, "B2");
        }
    }

    [Fact]
    public async Task The_overview_counts_the_checks_of_the_welfare_board_as_they_open_and_close()
    {
        var household = await silo.NewTwin("household", building: "B3");
        try
        {
            // The board and the overview are read one after the other; the sample's own checks may change in between, so retry until they agree.
            async Task<(JsonElement Counts, JsonElement[] Board)> Snapshot() =>
                ((await silo.Http.GetJson($"/api/communities/{Community}")).GetProperty("welfare"), await silo.Http.Items("/api/welfare"));
            static bool Agree((JsonElement Counts, JsonElement[] Board) s)
            {
                var open = s.Board.Where(w => w.TryGetProperty("check", out var c) && c.Text("status") == "open").ToArray();
                return s.Counts.GetProperty("watched").GetInt32() == s.Board.Length
                    && s.Counts.GetProperty("openChecks").GetInt32() == open.Length
                    && s.Counts.GetProperty("unacknowledged").GetInt32() == open.Count(w => w.GetProperty("check").GetProperty("task").Text("status") == "pending");
            }
            static bool IsOpen(JsonElement[] board, string household) =>
                board.Any(w => w.Text("household") == household && w.TryGetProperty("check", out var c) && c.Text("status") == "open");

            await OpenCheck(silo.Http, household);
            var whileOpen = await Eventually.Get(Snapshot, s => Agree(s) && IsOpen(s.Board, household), "the overview to count the open check");
            Assert.True(whileOpen.Counts.GetProperty("openChecks").GetInt32() >= 1);

            // The first report of occupied only sets where it starts from; a change is a sign of life.
            await using var device = await silo.Device();
            await device.Publish($"twin/household/{household}/telemetry", new { occupied = true });
            await Eventually.Get(() => silo.GetTwin("household", household), t => t.GetProperty("reported").TryGetProperty("occupied", out _), "the first occupancy report");
            Assert.Equal("open", (await silo.Http.GetJson($"/api/welfare/{household}")).GetProperty("check").Text("status"));
            await device.Publish($"twin/household/{household}/telemetry", new { occupied = false });
            var closed = await Eventually.Get(() => silo.Http.GetJson($"/api/welfare/{household}"), w => w.GetProperty("check").Text("status") == "closed",
                "the change of occupancy to close the check");
            Assert.Contains("occupied", closed.GetProperty("check").Text("closedHow"));

            var afterwards = await Eventually.Get(Snapshot, s => Agree(s) && !IsOpen(s.Board, household), "the overview to stop counting the closed check");
            Assert.Contains(afterwards.Board, w => w.Text("household") == household);

            await silo.StopWatching(household, "B3");
            await Eventually.Get(Snapshot, s => Agree(s) && s.Board.All(w => w.Text("household") != household), "the overview to stop counting the household");
        }
        finally
        {
            await silo.StopWatching(household, "B3");
        }
    }
}
