using System.Text.Json;
using Twin.Cli.Commands;
using Twin.Tests.Support;

namespace Twin.Tests.Cli;

/// <summary>
/// <c>twin feedback</c>, <c>workorders rate</c>, <c>polls</c>, <c>notices</c> and <c>welfare</c>: the real executable
/// against the real silo, with the sample community's tokens of residents, staff and committee.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class ParticipationCliTests(SiloFixture silo)
{
    // The exit codes scripts rely on (client/Twin.Cli/ExitCodes.cs), spelled out: they are the contract.
    const int UsageError = 2;
    const int Refused = 3;

    const string Resident = "demo-home-B1-1-0501";
    const string Neighbour = "demo-home-B1-1-0601";
    const string Property = "demo-property";
    const string Committee = "demo-committee";

    Task<(int Exit, string Out, string Err)> RunTwin(params string[] args) =>
        TwinProcess.Run(new Dictionary<string, string?> { ["TWIN_URL"] = silo.BaseUrl, ["TWIN_TOKEN"] = SiloFixture.AdminToken }, args);

    Task<(int Exit, string Out, string Err)> RunAs(string token, params string[] args) => RunTwin([.. args, "--token", token]);

    static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    static string Id(string output, string property = "id") => Json(output).GetProperty(property).GetString()!;

    [Fact]
    public async Task A_residents_lamp_report_becomes_a_work_order_that_is_done_rated_and_shown_on_the_feedback()
    {
        var (exit, output, error) = await RunAs(Resident, "feedback", "file", "--category", "repair", "--text", "lamp L-07 flickers at night", "--twin", "lamp/L-07", "--json");
        Assert.True(exit == 0, error);
        var feedback = Id(output);
        Assert.Equal("open", Json(output).GetProperty("status").GetString());

        // The resident sees it in its own list; the property company sees it waiting for a response.
        (exit, output, error) = await RunAs(Resident, "feedback", "--status", "open");
        Assert.True(exit == 0, error);
        Assert.Contains(feedback, output);
        Assert.Contains("lamp/L-07", output);
        Assert.Contains("waiting for a response", output);

        (exit, output, error) = await RunAs(Property, "feedback", "workorder", feedback, "--summary", "replace the ballast of L-07", "--json");
        Assert.True(exit == 0, error);
        Assert.Equal("in_work", Json(output).GetProperty("status").GetString());
        var workOrder = Id(output, "workOrder");

        // Rating before the work is done is refused with the API's reason.
        (exit, _, error) = await RunAs(Resident, "workorders", "rate", workOrder, "--stars", "5");
        Assert.Equal(Refused, exit);
        Assert.Contains("the work is not finished yet", error, StringComparison.OrdinalIgnoreCase);

        (exit, _, error) = await RunAs(Property, "workorders", "assign", workOrder, "--to", "electrician Zhou");
        Assert.True(exit == 0, error);
        (exit, _, error) = await RunAs(Property, "workorders", "complete", workOrder, "--note", "ballast replaced");
        Assert.True(exit == 0, error);

        // Only the household that raised it rates it.
        (exit, _, error) = await RunAs(Neighbour, "workorders", "rate", workOrder, "--stars", "1");
        Assert.Equal(Refused, exit);
        Assert.Contains("only the household that raised", error, StringComparison.OrdinalIgnoreCase);

        (exit, output, error) = await RunAs(Resident, "workorders", "rate", workOrder, "--stars", "4", "--comment", "fixed within a day");
        Assert.True(exit == 0, error);
        Assert.Contains("★★★★☆ 4/5", output);
        Assert.Contains("fixed within a day", output);
        Assert.Contains($"twin feedback show {feedback}", output);

        // The work order tells the feedback of its steps and of the rating after it answers.
        var shown = await Eventually.Get(async () => await RunAs(Resident, "feedback", "show", feedback, "--json"),
            run => run.Exit == 0 && Json(run.Out).TryGetProperty("rating", out _), "the rating on the feedback");
        var view = Json(shown.Out);
        Assert.Equal("done", view.GetProperty("status").GetString());
        Assert.Equal(4, view.GetProperty("rating").GetProperty("stars").GetInt32());

        (exit, output, error) = await RunAs(Resident, "feedback", "show", feedback);
        Assert.True(exit == 0, error);
        Assert.Contains($"work order {workOrder} done", output);
        Assert.Contains("rated ★★★★☆ 4/5 by household/B1-1-0501", output);
        Assert.Contains("Timeline", output);
        Assert.Contains("repair filed about lamp/L-07", output);
        Assert.Contains("the work is done: ballast replaced", output);
        Assert.Contains("property-mgmt", output);
    }

    [Fact]
    public async Task Feedback_answered_without_a_work_order_shows_the_answer_and_cannot_be_answered_twice()
    {
        var (exit, output, error) = await RunAs(Resident, "feedback", "file", "--category", "suggestion", "--text", "a bench by the east gate", "--json");
        Assert.True(exit == 0, error);
        var feedback = Id(output);

        (exit, output, error) = await RunAs(Committee, "feedback", "answer", feedback, "--text", "on the agenda of the next meeting");
        Assert.True(exit == 0, error);
        Assert.Contains("answered by committee-sunrise", output);
        Assert.Contains("on the agenda of the next meeting", output);

        (exit, _, error) = await RunAs(Property, "feedback", "workorder", feedback);
        Assert.Equal(Refused, exit);
        Assert.Contains("already answered", error);
    }

    [Fact]
    public async Task Two_households_vote_one_changes_its_vote_and_the_counts_and_result_show_it()
    {
        var question = $"Repaint the B1 stairwell? ({Guid.NewGuid():N})"[..40];
        var (exit, output, error) = await RunAs(Committee, "polls", "open", "--question", question, "--option", "Repaint", "--option", "Leave as is",
            "--building", "B1", "--closes", "1h", "--json");
        Assert.True(exit == 0, error);
        var poll = Json(output);
        var id = poll.GetProperty("id").GetString()!;
        var closesIn = poll.GetProperty("closesAt").GetDateTimeOffset() - DateTimeOffset.UtcNow;
        Assert.InRange(closesIn, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61));

        (exit, _, error) = await RunAs(Resident, "polls", "vote", id, "--option", "Repaint");
        Assert.True(exit == 0, error);
        (exit, _, error) = await RunAs(Neighbour, "polls", "vote", id, "--option", "Leave as is");
        Assert.True(exit == 0, error);
        (exit, output, error) = await RunAs(Resident, "polls", "vote", id, "--option", "Leave as is");
        Assert.True(exit == 0, error);
        Assert.Contains("your household voted Leave as is", output);

        (exit, output, error) = await RunAs(Committee, "polls", "show", id, "--json");
        Assert.True(exit == 0, error);
        poll = Json(output);
        Assert.Equal([0, 2], poll.GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal(2, poll.GetProperty("votes").GetInt32());
        Assert.Equal(1, poll.GetProperty("changedVotes").GetInt32());

        // The household sees the bars and its own vote; the committee the bars without one.
        (exit, output, error) = await RunAs(Resident, "polls", "show", id);
        Assert.True(exit == 0, error);
        Assert.Matches(@"Repaint\s+·{24}\s+0 \(0 %\)", output);
        Assert.Matches(@"Leave as is\s+█{24}\s+2 \(100 %\)\s+← your vote", output);
        Assert.Contains("1 vote was changed", output);
        (exit, output, error) = await RunAs(Committee, "polls", "show", id);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("your vote", output);

        (exit, output, error) = await RunAs(Committee, "polls", "close", id);
        Assert.True(exit == 0, error);
        Assert.Contains("Result: \"Leave as is\" has the most votes.", output);
        Assert.Contains("published as notice", output);

        (exit, _, error) = await RunAs(Resident, "polls", "vote", id, "--option", "Repaint");
        Assert.Equal(Refused, exit);
        Assert.Contains("votes can no longer be cast or changed", error);

        var notices = await Eventually.Get(async () => await RunAs(Resident, "notices"),
            run => run.Exit == 0 && run.Out.Contains($"Poll result: {question}"), "the result among the resident's notices");
        Assert.Contains("Leave as is: 2 (100 %)", notices.Out);

        (exit, output, error) = await RunAs(Resident, "polls", "--status", "closed");
        Assert.True(exit == 0, error);
        Assert.Contains(id, output);
        Assert.Contains("Leave as is (2)", output);
    }

    [Fact]
    public async Task Bad_input_is_a_usage_error_or_the_apis_refusal_with_its_reason()
    {
        var (exit, _, error) = await RunAs(Resident, "workorders", "rate", "wo-20260101-00000000", "--stars", "9");
        Assert.Equal(UsageError, exit);
        Assert.Contains("--stars must be a whole number from 1 (poor) to 5 (excellent), not 9.", error);

        (exit, _, error) = await RunAs(Resident, "feedback", "file", "--category", "noise", "--text", "dogs barking");
        Assert.Equal(UsageError, exit);
        Assert.Contains("noise", error);

        (exit, _, error) = await RunAs(Resident, "feedback", "file", "--category", "repair", "--text", "broken", "--twin", "L-07");
        Assert.Equal(UsageError, exit);
        Assert.Contains("--twin expects kind/id", error);

        (exit, _, error) = await RunAs(Committee, "polls", "open", "--question", "Q?", "--option", "A", "--option", "B", "--closes", "yesterday");
        Assert.Equal(UsageError, exit);
        Assert.Contains("--closes expects an ISO time", error);

        (exit, _, error) = await RunAs(Committee, "polls", "open", "--question", "Q?", "--option", "A", "--closes", "1h");
        Assert.Equal(UsageError, exit);
        Assert.Contains("at least two choices", error);

        (exit, _, error) = await RunAs(Committee, "polls", "open", "--question", "Q?", "--option", "A", "--option", "B", "--closes", "2020-01-01T00:00:00Z");
        Assert.Equal(Refused, exit);
        Assert.Contains("\"closesAt\" must be in the future", error);
        Assert.Contains("(HTTP 400)", error);

        (exit, _, error) = await RunAs(Resident, "feedback", "file", "--category", "repair", "--text", "broken", "--twin", "lamp/L-404");
        Assert.Equal(Refused, exit);
        Assert.Contains("No lamp 'L-404' is provisioned.", error);

        // Feedback is a household's: a staff token cannot file it.
        (exit, _, error) = await RunAs(Property, "feedback", "file", "--category", "repair", "--text", "broken");
        Assert.Equal(Refused, exit);
        Assert.Contains("(HTTP 403)", error);
    }

    [Fact]
    public async Task A_party_without_the_right_is_refused_with_the_reason()
    {
        var (exit, output, error) = await RunAs("demo-police", "polls", "open", "--question", "Close the car park at night?", "--option", "Yes", "--option", "No", "--closes", "2h");
        Assert.Equal(Refused, exit);
        Assert.Contains("The party 'police-110' (role police) may not use POST /api/polls.", error);
        Assert.Equal("", output);

        (exit, _, error) = await RunAs(Resident, "welfare");
        Assert.Equal(Refused, exit);
        Assert.Contains("may not use GET /api/welfare", error);
    }

    [Fact]
    public async Task A_grid_worker_lists_the_watched_households_of_its_buildings_and_sees_who_lives_there()
    {
        var listed = await Eventually.Get(async () => await RunAs("demo-grid-wang", "welfare", "--building", "B1", "--json"),
            run => run.Exit == 0 && Json(run.Out).GetProperty("items").EnumerateArray().Any(w => w.GetProperty("household").GetString() == "B1-1-0501"),
            "B1-1-0501 among grid-wang's watched households");
        Assert.All(Json(listed.Out).GetProperty("items").EnumerateArray(), w => Assert.Equal("B1", w.GetProperty("building").GetString()));

        var (exit, output, error) = await RunAs("demo-grid-wang", "welfare");
        Assert.True(exit == 0, error);
        Assert.Contains("B1-1-0501", output);
        Assert.Contains("Wang Xiuying", output);
        Assert.Contains("watched households", output);

        (exit, output, error) = await RunAs("demo-grid-wang", "welfare", "show", "B1-1-0501");
        Assert.True(exit == 0, error);
        Assert.Contains("household/B1-1-0501", output);
        Assert.Contains("floor 5", output);
        Assert.Contains("Wang Xiuying", output);
        Assert.Contains("+86 138 0000 0001", output);
        Assert.Contains("elderly alone", output);
        Assert.Contains("last activity:", output);

        // With a day's quiet window in this silo there is no check to acknowledge: the API says so.
        (exit, _, error) = await RunAs("demo-grid-wang", "welfare", "ack", "B1-1-0501", "--note", "on my way");
        Assert.Equal(Refused, exit);
        Assert.Contains("has no open welfare check", error);
    }

    [Theory]
    [InlineData("feedback", "workorder")]
    [InlineData("polls", "vote")]
    [InlineData("notices", "--token")]
    [InlineData("welfare", "complete")]
    public async Task Each_new_command_prints_its_help(string command, string mentioned)
    {
        var (exit, output, _) = await TwinProcess.Run(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains($"twin {command}", output);
        Assert.Contains(mentioned, output);
    }

    [Fact]
    public async Task Rate_prints_its_help()
    {
        var (exit, output, _) = await TwinProcess.Run("workorders", "rate", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--stars <1-5>", output);
    }

    [Theory]
    [InlineData("10m", 10 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("3d", 3 * 86400)]
    [InlineData("1d12h", 36 * 3600)]
    [InlineData("90s", 90)]
    public void Closes_takes_a_time_from_now(string text, int seconds)
    {
        var now = new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(now.AddSeconds(seconds), PollsCommand.ClosingTime(text, now));
    }

    [Fact]
    public void Closes_takes_an_iso_time_and_nothing_else()
    {
        var now = new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), PollsCommand.ClosingTime("2026-12-01T20:00:00+08:00", now));
        Assert.Null(PollsCommand.ClosingTime("yesterday", now));
        Assert.Null(PollsCommand.ClosingTime("10", now));
        Assert.Null(PollsCommand.ClosingTime("10 minutes", now));
        Assert.Null(PollsCommand.ClosingTime("", now));
    }
}
