using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;
using static Twin.Tests.Support.ParticipationSiloFixture;

namespace Twin.Tests.Integration;

[Collection(ParticipationCollection.Name)]
public sealed class FeedbackTests(ParticipationSiloFixture silo)
{
    const string Household = "B1-1-0501";
    HttpClient Resident => silo.As(Home0501);
    HttpClient Neighbour => silo.As(Home0601);
    HttpClient PropertyCompany => silo.As(Property);

    Task<JsonElement> File(HttpClient resident, object filing) => resident.Post("/api/feedback", filing, HttpStatusCode.Created);

    /// <summary>The resident's own list with <paramref name="status"/>, until it shows the feedback as <paramref name="done"/> wants.</summary>
    Task<JsonElement> ListedAs(string status, string id, Func<JsonElement, bool> done, string what) =>
        Eventually.Get(
            async () => (await Resident.Items($"/api/feedback?status={status}")).FirstOrDefault(f => f.Text("id") == id),
            f => f.ValueKind == JsonValueKind.Object && done(f), what);

    [Fact]
    public async Task A_residents_lamp_report_becomes_a_work_order_whose_every_step_the_resident_sees_and_then_rates()
    {
        await using var stream = await silo.Stream(Home0501, "?kind=feedback");
        var filed = await File(Resident, new { category = "repair", text = "Lamp L-07 flickers all night", twin = "lamp/L-07" });
        var id = filed.Text("id")!;
        Assert.Equal("open", filed.Text("status"));
        Assert.Equal(Household, filed.Text("household"));
        Assert.Equal("lamp/L-07", filed.Text("twin"));
        Assert.Equal("B3", filed.Text("building"));
        Assert.Equal("lamp", filed.Text("assetKind"));

        var inWork = await PropertyCompany.Post($"/api/feedback/{id}/workorder", new { summary = "Replace the driver of lamp L-07" });
        Assert.Equal("in_work", inWork.Text("status"));
        Assert.Equal("property-mgmt", inWork.Text("respondedBy"));
        var workOrder = inWork.Text("workOrder")!;
        var order = await PropertyCompany.GetJson($"/api/workorders/{workOrder}");
        Assert.Equal(id, order.Text("feedback"));
        Assert.Equal(Household, order.Text("raisedBy"));
        Assert.Equal("lamp/L-07", order.Text("twin"));
        Assert.Equal("Replace the driver of lamp L-07", order.Text("summary"));
        await ListedAs("in_work", id, f => f.Text("workOrder") == workOrder, "the feedback in work");
        await stream.WaitFor("feedback", f => f.Text("id") == id && f.Text("status") == "in_work", "the work order");

        var tooEarly = await Resident.PostAsJsonAsync($"/api/workorders/{workOrder}/rating", new { stars = 5 });
        Assert.Contains("not finished", await tooEarly.ExpectProblem(HttpStatusCode.Conflict));

        await PropertyCompany.Post($"/api/workorders/{workOrder}/assign", new { assignee = "electrician Zhao" });
        await ListedAs("in_work", id, f => f.Text("workOrderStatus") == "assigned", "the assignment");
        await stream.WaitFor("feedback", f => f.Text("id") == id && f.Text("workOrderStatus") == "assigned", "the assignment");

        await PropertyCompany.Post($"/api/workorders/{workOrder}/start", new { });
        await ListedAs("in_work", id, f => f.Text("workOrderStatus") == "in_progress", "the start of the work");
        await stream.WaitFor("feedback", f => f.Text("id") == id && f.Text("workOrderStatus") == "in_progress", "the start of the work");

        await PropertyCompany.Post($"/api/workorders/{workOrder}/complete", new { note = "replaced the driver" });
        var done = await ListedAs("done", id, f => f.Text("workOrderStatus") == "done", "the finished work");
        Assert.True(done.TryGetProperty("doneAt", out _));
        Assert.Contains("the work is done: replaced the driver", done.Timeline());
        await stream.WaitFor("feedback", f => f.Text("id") == id && f.Text("status") == "done", "the finished work");

        var byNeighbour = await Neighbour.PostAsJsonAsync($"/api/workorders/{workOrder}/rating", new { stars = 1 });
        // The refusal does not say which neighbour raised it.
        var refusal = await byNeighbour.ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Contains("only the household that raised", refusal, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Household, refusal);
        foreach (var stars in new[] { 0, 6 })
            await (await Resident.PostAsJsonAsync($"/api/workorders/{workOrder}/rating", new { stars })).ExpectProblem(HttpStatusCode.BadRequest);

        var rated = await Resident.Post($"/api/workorders/{workOrder}/rating", new { stars = 4, comment = "Fixed in two days, thanks" });
        Assert.Equal(4, rated.GetProperty("rating").GetProperty("stars").GetInt32());
        Assert.Equal($"household/{Household}", rated.GetProperty("rating").Text("by"));
        var seen = await stream.WaitFor("feedback", f => f.Text("id") == id && f.TryGetProperty("rating", out _), "the rating");
        Assert.Equal("Fixed in two days, thanks", seen.GetProperty("rating").Text("comment"));
        var mine = await Resident.GetJson($"/api/feedback/{id}");
        Assert.Equal(4, mine.GetProperty("rating").GetProperty("stars").GetInt32());
        Assert.Contains("rated 4/5: Fixed in two days, thanks", mine.Timeline());

        // Only this test files feedback about B3's lamps, so the building's median is this rating.
        var satisfaction = (await silo.As(Committee).GetJson($"/api/communities/{Community}")).GetProperty("satisfaction");
        var lamps = satisfaction.GetProperty("byKind").GetProperty("lamp");
        Assert.True(lamps.GetProperty("rated").GetInt32() >= 1);
        Assert.InRange(lamps.GetProperty("medianRating").GetDouble(), 1, 5);
        Assert.Equal(4, satisfaction.GetProperty("byBuilding").GetProperty("B3").GetProperty("medianRating").GetDouble());
        var property = satisfaction.GetProperty("byParty").GetProperty("property-mgmt");
        Assert.True(property.GetProperty("rated").GetInt32() >= 1);
        Assert.True(property.GetProperty("medianSecondsToFirstResponse").GetDouble() >= 0);
        Assert.True(property.GetProperty("medianSecondsToDone").GetDouble() > 0);
        Assert.True(satisfaction.GetProperty("overall").GetProperty("feedback").GetInt32() >= 1);
    }

    [Fact]
    public async Task Feedback_answered_without_work_shows_the_answer_to_the_resident()
    {
        var id = (await File(Resident, new { category = "suggestion", text = "Could the gate close later on Fridays?" })).Text("id")!;

        var answered = await PropertyCompany.Post($"/api/feedback/{id}/answer", new { text = "From next week it closes at 23:00 on Fridays." });
        Assert.Equal("answered", answered.Text("status"));

        var mine = await ListedAs("answered", id, _ => true, "the answered feedback");
        Assert.Equal("From next week it closes at 23:00 on Fridays.", mine.Text("answer"));
        Assert.Equal("property-mgmt", mine.Text("respondedBy"));
        Assert.Contains("answered: From next week it closes at 23:00 on Fridays.", mine.Timeline());
        Assert.DoesNotContain(await Resident.Items("/api/feedback?status=open"), f => f.Text("id") == id);

        await (await PropertyCompany.PostAsJsonAsync($"/api/feedback/{id}/answer", new { text = "again" })).ExpectProblem(HttpStatusCode.Conflict);
        await (await PropertyCompany.PostAsJsonAsync($"/api/feedback/{id}/workorder", new { })).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.Forbidden, (await silo.As(Police).PostAsJsonAsync($"/api/feedback/{id}/answer", new { text = "noted" })).StatusCode);
    }

    [Fact]
    public async Task Feedback_nobody_answers_escalates_once_the_response_time_has_passed()
    {
        var filed = await File(Resident, new { category = "environment", text = "The hedge by building 1 blocks the path" });
        var id = filed.Text("id")!;
        Assert.Empty(filed.Strings("escalatedTo"));
        var respondBy = filed.GetProperty("respondBy").GetDateTimeOffset();
        Assert.InRange(respondBy - filed.GetProperty("filedAt").GetDateTimeOffset(), RespondWithin - TimeSpan.FromSeconds(1), RespondWithin + TimeSpan.FromSeconds(1));

        var escalated = await Eventually.Get(() => Resident.GetJson($"/api/feedback/{id}"), f => f.Strings("escalatedTo").Length > 0,
            "the feedback to escalate", RespondWithin + TimeSpan.FromSeconds(10));
        Assert.Equal("committee-sunrise", escalated.Strings("escalatedTo")[0]);
        Assert.Equal("open", escalated.Text("status"));
        Assert.Contains(escalated.Timeline(), what => what.Contains("escalated to committee-sunrise", StringComparison.Ordinal));
        Assert.True(escalated.GetProperty("respondBy").GetDateTimeOffset() > respondBy);

        var participation = (await silo.As(Committee).GetJson($"/api/communities/{Community}")).GetProperty("participation");
        Assert.True(participation.GetProperty("feedbackOverdue").GetInt32() >= 1);
        Assert.True(participation.GetProperty("feedbackOpen").GetInt32() >= participation.GetProperty("feedbackOverdue").GetInt32());
    }

    [Fact]
    public async Task A_household_neither_sees_nor_rates_another_households_feedback()
    {
        var id = (await File(Resident, new { category = "complaint", text = "Noise from the roof at night" })).Text("id")!;

        await Resident.Listed("/api/feedback", f => f.Text("id") == id, "the feedback in its household's list");
        await PropertyCompany.Listed("/api/feedback?status=open", f => f.Text("id") == id, "the feedback in the property company's list");
        await (await Neighbour.GetAsync($"/api/feedback/{id}")).ExpectProblem(HttpStatusCode.Forbidden);
        var neighbours = await Neighbour.Items("/api/feedback");
        Assert.DoesNotContain(neighbours, f => f.Text("id") == id);
        Assert.All(neighbours, f => Assert.Equal("B1-1-0601", f.Text("household")));
    }

    [Fact]
    public async Task Feedback_that_cannot_be_filed_as_sent_is_refused_with_a_problem()
    {
        Assert.Contains("category", await (await Resident.PostAsJsonAsync("/api/feedback", new { category = "gossip", text = "hello" })).ExpectProblem(HttpStatusCode.BadRequest));
        Assert.Contains("text", await (await Resident.PostAsJsonAsync("/api/feedback", new { category = "repair", text = "   " })).ExpectProblem(HttpStatusCode.BadRequest));
        Assert.Contains("NO-SUCH", await (await Resident.PostAsJsonAsync("/api/feedback", new { category = "repair", text = "broken", twin = "lamp/NO-SUCH" })).ExpectProblem(HttpStatusCode.BadRequest));
        Assert.Contains("lamp/L-07", await (await Resident.PostAsJsonAsync("/api/feedback", new { category = "repair", text = "broken", twin = "the lamp" })).ExpectProblem(HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.Forbidden, (await PropertyCompany.PostAsJsonAsync("/api/feedback", new { category = "repair", text = "broken" })).StatusCode);
        Assert.DoesNotContain(await Resident.Items("/api/feedback"), f => f.Text("text") is "broken" or "hello");
    }
}
