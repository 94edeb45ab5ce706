using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;
using static Twin.Tests.Support.ParticipationSiloFixture;

namespace Twin.Tests.Integration;

[Collection(ParticipationCollection.Name)]
public sealed class PollTests(ParticipationSiloFixture silo)
{
    HttpClient CommitteeMember => silo.As(Committee);

    Task<JsonElement> Open(string question, string[] options, string? building, TimeSpan closesIn) =>
        CommitteeMember.Post("/api/polls", new { question, options, building, closesAt = DateTimeOffset.UtcNow + closesIn }, HttpStatusCode.Created);

    static Task<JsonElement> Vote(HttpClient household, string poll, string option) => household.Post($"/api/polls/{poll}/votes", new { option });

    [Fact]
    public async Task Two_households_vote_and_one_changes_its_vote_before_the_poll_closes()
    {
        var poll = await Open("Paint the B1 stairwell green or white?", ["Green", "White"], "B1", TimeSpan.FromHours(1));
        var id = poll.Text("id")!;
        Assert.Equal("open", poll.Text("status"));
        Assert.Equal([0, 0], poll.Ints("counts"));
        Assert.True(poll.GetProperty("eligible").GetInt32() >= 3);

        var first = await Vote(silo.As(Home0501), id, "Green");
        Assert.Equal([1, 0], first.Ints("counts"));
        Assert.Equal("Green", first.Text("yourVote"));
        Assert.Equal(new[] { 2, 0 }, (await Vote(silo.As(Home0601), id, "Green")).Ints("counts"));

        var changed = await Vote(silo.As(Home0601), id, "White");
        Assert.Equal([1, 1], changed.Ints("counts"));
        Assert.Equal(2, changed.GetProperty("votes").GetInt32());
        Assert.Equal(1, changed.GetProperty("changedVotes").GetInt32());
        Assert.Equal("White", changed.Text("yourVote"));

        // The same choice again is no change.
        Assert.Equal(1, (await Vote(silo.As(Home0501), id, "Green")).GetProperty("changedVotes").GetInt32());
        Assert.Equal("Green", (await silo.As(Home0501).GetJson($"/api/polls/{id}")).Text("yourVote"));
        var asCommittee = await CommitteeMember.GetJson($"/api/polls/{id}");
        Assert.Equal([1, 1], asCommittee.Ints("counts"));
        Assert.Null(asCommittee.Text("yourVote"));
        Assert.Contains("\"Green\"", await (await silo.As(Home0702).PostAsJsonAsync($"/api/polls/{id}/votes", new { option = "Blue" })).ExpectProblem(HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.Forbidden, (await CommitteeMember.PostAsJsonAsync($"/api/polls/{id}/votes", new { option = "Green" })).StatusCode);
    }

    [Fact]
    public async Task A_building_poll_is_only_for_its_own_households_and_a_community_poll_for_all()
    {
        var forB2 = (await Open("New bike racks for B2?", ["Yes", "No"], "B2", TimeSpan.FromHours(1))).Text("id")!;
        var forAll = (await Open("Summer party on the lawn?", ["Yes", "No"], null, TimeSpan.FromHours(1))).Text("id")!;
        var resident = silo.As(Home0702);

        Assert.Contains("B2", await (await resident.GetAsync($"/api/polls/{forB2}")).ExpectProblem(HttpStatusCode.Forbidden));
        await (await resident.PostAsJsonAsync($"/api/polls/{forB2}/votes", new { option = "Yes" })).ExpectProblem(HttpStatusCode.Forbidden);
        await resident.Listed("/api/polls?status=open", p => p.Text("id") == forAll, "the community poll in the resident's list");
        await CommitteeMember.Listed("/api/polls", p => p.Text("id") == forB2, "the B2 poll in the committee's list");
        Assert.DoesNotContain(await resident.Items("/api/polls"), p => p.Text("id") == forB2);
        Assert.Equal(new[] { 1, 0 }, (await Vote(resident, forAll, "Yes")).Ints("counts"));
        Assert.Equal(0, (await CommitteeMember.GetJson($"/api/polls/{forB2}")).GetProperty("votes").GetInt32());

        var police = silo.As(Police);
        Assert.Equal(forB2, (await police.GetJson($"/api/polls/{forB2}")).Text("id"));
        await police.Listed("/api/polls", p => p.Text("id") == forAll, "the community poll in the police's list");
        Assert.Equal(HttpStatusCode.Forbidden, (await police.PostAsJsonAsync("/api/polls", new { question = "?", options = new[] { "a", "b" }, closesAt = DateTimeOffset.UtcNow.AddHours(1) })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await police.PostAsJsonAsync($"/api/polls/{forAll}/close", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostAsJsonAsync($"/api/polls/{forAll}/close", new { })).StatusCode);
    }

    [Fact]
    public async Task A_poll_closes_by_itself_at_its_closing_time_and_its_result_becomes_a_notice_for_its_building()
    {
        var id = (await Open("Which evening for the B1 meeting?", ["Tuesday", "Thursday"], "B1", TimeSpan.FromSeconds(3))).Text("id")!;
        await Vote(silo.As(Home0501), id, "Tuesday");

        // Nobody calls close: the poll's own reminder does.
        var closed = await Eventually.Get(() => CommitteeMember.GetJson($"/api/polls/{id}"), p => p.Text("status") == "closed",
            "the poll to close at its closing time", TimeSpan.FromSeconds(15));
        Assert.True(closed.GetProperty("closedAt").GetDateTimeOffset() >= closed.GetProperty("closesAt").GetDateTimeOffset());
        var result = closed.Text("result")!;
        Assert.StartsWith("\"Tuesday\" has the most votes.", result);
        Assert.Contains($"1 of {closed.GetProperty("eligible").GetInt32()} households voted", result);

        var notice = await silo.As(Home0601).Listed("/api/notices", n => n.Text("id") == closed.Text("notice"), "the result among the notices");
        Assert.Equal(result, notice.Text("text"));
        Assert.Equal("B1", notice.Text("building"));
        Assert.Equal($"poll/{id}", notice.Text("source"));
        Assert.Contains("Which evening for the B1 meeting?", notice.Text("title"));
        await silo.As(Home0601).Unlisted("/api/polls?status=open", p => p.Text("id") == id, "the poll to leave the open polls");

        Assert.Contains("closed", await (await silo.As(Home0601).PostAsJsonAsync($"/api/polls/{id}/votes", new { option = "Thursday" })).ExpectProblem(HttpStatusCode.Conflict));
        await (await silo.As(Home0501).PostAsJsonAsync($"/api/polls/{id}/votes", new { option = "Thursday" })).ExpectProblem(HttpStatusCode.Conflict);
        await (await CommitteeMember.PostAsJsonAsync($"/api/polls/{id}/close", new { })).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal(new[] { 1, 0 }, (await CommitteeMember.GetJson($"/api/polls/{id}")).Ints("counts"));
    }

    [Fact]
    public async Task The_result_of_another_buildings_poll_is_not_a_notice_for_this_building()
    {
        var id = (await Open("Move the B2 bins to the north side?", ["Yes", "No"], "B2", TimeSpan.FromHours(1))).Text("id")!;
        var closed = await CommitteeMember.Post($"/api/polls/{id}/close", new { });
        Assert.Equal("closed", closed.Text("status"));
        Assert.StartsWith("No household voted.", closed.Text("result"));

        await silo.Http.Listed("/api/notices", n => n.Text("id") == closed.Text("notice"), "the result among the notices");
        Assert.DoesNotContain(await silo.As(Home0501).Items("/api/notices"), n => n.Text("id") == closed.Text("notice"));
    }

    [Fact]
    public async Task A_resident_sees_the_live_counts_of_its_buildings_polls_on_the_stream()
    {
        var id = (await Open("Allow pets in the B1 garden?", ["Yes", "No"], "B1", TimeSpan.FromHours(1))).Text("id")!;
        await using var stream = await silo.Stream(Home0501, "?kind=poll");
        var elsewhere = (await Open("Allow pets in the B2 garden?", ["Yes", "No"], "B2", TimeSpan.FromHours(1))).Text("id")!;

        await Vote(silo.As(Home0601), id, "No");

        var live = await stream.WaitFor("poll", p => p.Text("id") == id && p.GetProperty("votes").GetInt32() == 1, "the neighbour's vote");
        Assert.Equal([0, 1], live.Ints("counts"));
        Assert.Null(live.Text("yourVote"));
        // The B2 poll opened before the vote, so had it been sent to this resident it would have come first.
        Assert.DoesNotContain(stream.Seen, e => e.Data.Text("id") == elsewhere);
    }

    [Fact]
    public async Task A_poll_that_cannot_be_run_as_asked_is_refused_with_a_problem()
    {
        async Task<string> Refused(object poll) => await (await CommitteeMember.PostAsJsonAsync("/api/polls", poll)).ExpectProblem(HttpStatusCode.BadRequest);
        var soon = DateTimeOffset.UtcNow.AddHours(1);

        Assert.Contains("options", await Refused(new { question = "Only one way?", options = new[] { "Yes" }, closesAt = soon }));
        Assert.Contains("differ", await Refused(new { question = "Twice the same?", options = new[] { "Yes", "yes" }, closesAt = soon }));
        Assert.Contains("future", await Refused(new { question = "Too late?", options = new[] { "Yes", "No" }, closesAt = DateTimeOffset.UtcNow.AddMinutes(-5) }));
        Assert.Contains("B99", await Refused(new { question = "Where?", options = new[] { "Yes", "No" }, building = "B99", closesAt = soon }));
        Assert.Contains("question", await Refused(new { options = new[] { "Yes", "No" }, closesAt = soon }));
        Assert.Contains("closesAt", await Refused(new { question = "When?", options = new[] { "Yes", "No" } }));
        Assert.DoesNotContain(await CommitteeMember.Items("/api/polls"), p => p.Text("question") is "Only one way?" or "Twice the same?" or "Too late?" or "Where?");
    }
}
