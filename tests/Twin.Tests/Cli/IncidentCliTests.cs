using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Cli;

/// <summary><c>twin incident ...</c>: the real executable against the real silo, from raising a drill to its report.</summary>
[Collection(SiloCollection.Name)]
public sealed class IncidentCliTests(SiloFixture silo)
{
    // The exit codes scripts rely on (client/Twin.Cli/ExitCodes.cs), spelled out: they are the contract.
    const int UsageError = 2;
    const int Refused = 3;

    Task<(int Exit, string Out, string Err)> RunTwin(params string[] args) =>
        TwinProcess.Run(new Dictionary<string, string?> { ["TWIN_URL"] = silo.BaseUrl, ["TWIN_TOKEN"] = SiloFixture.AdminToken }, args);

    static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    static JsonElement Task(JsonElement incident, string id) =>
        incident.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);

    [Fact]
    public async Task A_drill_is_raised_listed_acknowledged_shown_closed_and_reported()
    {
        // A building of its own with one household (whose resident is vulnerable), so no other test's incident is in the way.
        var building = await silo.NewTwin("building");
        var household = await silo.NewTwin("household", building: building);

        var (exit, output, error) = await RunTwin("incident", "raise", "--type", "flood", "--building", building, "--description", "basement flooding (drill)", "--drill", "--json");
        Assert.True(exit == 0, error);
        var raised = Json(output);
        var id = raised.GetProperty("id").GetString()!;
        Assert.True(raised.GetProperty("drill").GetBoolean());
        Assert.Equal("property", Task(raised, "t1").GetProperty("role").GetString());
        // raise waits for the playbook, so its answer already has the device actions: here, the household asked to check in.
        Assert.Contains(raised.GetProperty("actions").EnumerateArray(), a => a.GetProperty("twin").GetString() == $"household/{household}"
            && a.GetProperty("command").GetString()!.StartsWith("request_check_in", StringComparison.Ordinal));
        var assistedEvacuation = raised.GetProperty("tasks").EnumerateArray()
            .Single(t => t.TryGetProperty("household", out var h) && h.GetString() == household).GetProperty("id").GetString()!;

        // The same drill raised again joins the active one.
        (exit, output, error) = await RunTwin("incident", "raise", "--type", "flood", "--building", building, "--description", "water on the stairs too", "--drill");
        Assert.True(exit == 0, error);
        Assert.Contains($"attached to the active flood drill {id}", output);

        // The list is the community's index, which the incident updates right after it changes.
        await Eventually.True(async () =>
        {
            var (listExit, listed, _) = await RunTwin("incident", "list", "--status", "active", "--json");
            return listExit == 0 && Json(listed).GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetString() == id);
        }, "the drill in the list of active incidents");
        (exit, output, error) = await RunTwin("incident", "list", "--status", "active");
        Assert.True(exit == 0, error);
        Assert.Contains(id, output);
        Assert.Contains("flood DRILL", output);

        // The property company acknowledges its own task with its own token; acknowledging it twice is refused.
        (exit, output, error) = await RunTwin("incident", "ack", id, "t1", "--token", "demo-property");
        Assert.True(exit == 0, error);
        Assert.Contains("task t1 acknowledged by property-mgmt", output);
        (exit, _, error) = await RunTwin("incident", "ack", id, "t1");
        Assert.Equal(Refused, exit);
        Assert.Contains("Task t1 is already acknowledged.", error);

        (exit, output, error) = await RunTwin("incident", "complete", id, assistedEvacuation, "--json");
        Assert.True(exit == 0, error);
        Assert.Equal("done", Task(Json(output), assistedEvacuation).GetProperty("status").GetString());

        (exit, output, error) = await RunTwin("incident", "show", id, "--json");
        Assert.True(exit == 0, error);
        var shown = Json(output);
        Assert.Equal("acknowledged", Task(shown, "t1").GetProperty("status").GetString());
        Assert.Equal("property-mgmt", Task(shown, "t1").GetProperty("acknowledgedBy").GetString());
        // Completing the assisted evacuation accounts for the household.
        Assert.Equal(1, shown.GetProperty("households").GetProperty("safe").GetInt32());

        (exit, output, error) = await RunTwin("incident", "show", id);
        Assert.True(exit == 0, error);
        Assert.Contains(id, output);
        Assert.Contains("acknowledged", output);
        Assert.Contains("1 safe", output);
        Assert.Contains("Timeline", output);
        Assert.Contains("property-mgmt", output);

        (exit, output, error) = await RunTwin("incident", "close", id);
        Assert.True(exit == 0, error);
        Assert.Contains("closed by admin", output);
        (exit, _, error) = await RunTwin("incident", "close", id);
        Assert.Equal(Refused, exit);
        Assert.Contains("already closed", error);

        (exit, output, error) = await RunTwin("incident", "report", id);
        Assert.True(exit == 0, error);
        Assert.Contains($"After-action report: flood drill {id}", output);
        Assert.Contains("never", output); // the committee never acknowledged

        (exit, output, error) = await RunTwin("incident", "report", id, "--json");
        Assert.True(exit == 0, error);
        var report = Json(output);
        Assert.Equal(id, report.GetProperty("id").GetString());
        Assert.True(report.GetProperty("secondsToFirstAckByRole").TryGetProperty("property", out _));

        using var directory = new TempDir();
        var page = directory.File("report.html");
        (exit, output, error) = await RunTwin("incident", "report", id, "--html", page);
        Assert.True(exit == 0, error);
        Assert.Contains(page, output);
        var html = await File.ReadAllTextAsync(page);
        Assert.StartsWith("<!doctype html>", html);
        Assert.Contains(id, html);
    }

    [Fact]
    public async Task An_incident_that_does_not_exist_exits_3_with_the_api_detail()
    {
        const string missing = "inc-20000101-00000000";
        foreach (var args in new[]
        {
            new[] { "incident", "show", missing },
            ["incident", "ack", missing, "t1"],
            ["incident", "close", missing],
            ["incident", "report", missing],
            ["incident", "report", missing, "--html", Path.Combine(Path.GetTempPath(), $"twin-missing-{Guid.NewGuid():N}.html")],
        })
        {
            var (exit, output, error) = await RunTwin(args);
            Assert.True(exit == Refused, $"twin {string.Join(' ', args)} exited {exit}: {error}");
            Assert.Contains($"No incident '{missing}'.", error);
            Assert.Contains("(HTTP 404)", error);
            Assert.Equal("", output);
        }
    }

    [Fact]
    public async Task Raise_needs_exactly_one_place_and_a_known_type_or_it_is_a_usage_error()
    {
        var (exit, _, error) = await RunTwin("incident", "raise", "--type", "fire", "--description", "smoke");
        Assert.Equal(UsageError, exit);
        Assert.Contains("exactly one of --building (e.g. B1) or --twin", error);

        (exit, _, error) = await RunTwin("incident", "raise", "--type", "fire", "--building", "B1", "--twin", "household/B1-1-0501", "--description", "smoke");
        Assert.Equal(UsageError, exit);
        Assert.Contains("exactly one of --building", error);

        (exit, _, error) = await RunTwin("incident", "raise", "--type", "fire", "--twin", "B1-1-0501", "--description", "smoke");
        Assert.Equal(UsageError, exit);
        Assert.Contains("--twin expects kind/id", error);

        (exit, _, error) = await RunTwin("incident", "raise", "--type", "volcano", "--building", "B1", "--description", "lava");
        Assert.Equal(UsageError, exit);
        Assert.Contains("volcano", error);

        // A place the silo does not know is the API's refusal, with its reason.
        (exit, _, error) = await RunTwin("incident", "raise", "--type", "fire", "--building", "B404", "--description", "smoke", "--drill");
        Assert.Equal(Refused, exit);
        Assert.Contains("No building 'B404' is provisioned.", error);
    }

    [Fact]
    public async Task A_report_for_a_directory_that_does_not_exist_is_a_usage_error()
    {
        var file = Path.Combine(Path.GetTempPath(), $"twin-no-such-dir-{Guid.NewGuid():N}", "report.html");
        var (exit, _, error) = await RunTwin("incident", "report", "inc-20000101-00000000", "--html", file);
        Assert.Equal(UsageError, exit);
        Assert.Contains("does not exist", error);
    }
}
