using Twin.Feedback;
using Twin.Incidents;
using Twin.WorkOrders;

namespace Twin.Tests.Feedback;

public sealed class FeedbackRulesTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static FeedbackState Open() => new()
    {
        Exists = true,
        Id = "fb-1",
        Status = FeedbackStatuses.Open,
        Response = FeedbackRules.ResponseTask(["property-mgmt"], Now, TimeSpan.FromHours(24)),
    };

    [Theory]
    [InlineData(null, "text", "category")]
    [InlineData("praise", "text", "category")]
    [InlineData("repair", "  ", "text")]
    [InlineData("repair", null, "text")]
    public void A_filing_without_a_known_category_or_any_text_is_refused_with_what_to_fix(string? category, string? text, string named) =>
        Assert.Contains(named, FeedbackRules.Check(category, text));

    [Fact]
    public void A_filing_with_a_category_and_text_is_accepted() =>
        Assert.Null(FeedbackRules.Check("suggestion", "more benches by the pond"));

    [Theory]
    [InlineData("property", false, null)]
    [InlineData("committee", false, null)]
    [InlineData("property", true, null)]
    [InlineData("committee", true, "property company")]
    [InlineData("police", false, "answer")]
    public void Who_may_respond_how(string role, bool workOrder, string? refusal)
    {
        var problem = FeedbackRules.CheckResponse(Open(), role, workOrder);

        if (refusal is null)
            Assert.Null(problem);
        else
            Assert.Contains(refusal, problem);
    }

    [Fact]
    public void Feedback_is_responded_to_once()
    {
        Assert.Contains("already answered", FeedbackRules.CheckResponse(Open() with { Status = FeedbackStatuses.Answered }, "property", workOrder: true));
        Assert.Contains("wo-7", FeedbackRules.CheckResponse(Open() with { Status = FeedbackStatuses.InWork, WorkOrder = "wo-7" }, "committee", workOrder: false));
    }

    [Fact]
    public void Unanswered_feedback_escalates_like_an_incident_task()
    {
        var task = Open().Response;

        Assert.Null(IncidentRules.Escalate(task, ["committee-sunrise"], Now.AddHours(23), out _));
        var escalated = IncidentRules.Escalate(task, ["committee-sunrise"], Now.AddHours(24), out var to);

        Assert.Equal("committee-sunrise", to);
        Assert.Equal(["committee-sunrise"], escalated!.EscalatedTo.ToArray());
        Assert.Equal(Now.AddHours(48), escalated.Deadline);
    }

    [Theory]
    [InlineData("assigned", "assigned to Zhang", "work order assigned to Zhang")]
    [InlineData("started", null, "work has started")]
    [InlineData("completed", "ballast replaced", "the work is done: ballast replaced")]
    public void A_work_order_step_is_told_to_the_resident_in_plain_words(string action, string? note, string told) =>
        Assert.Equal(told, FeedbackRules.Describe(new WorkOrderStep(Now, "property-mgmt", action, note)));

    [Fact]
    public void Only_the_household_that_raised_the_work_order_rates_it_and_only_once_it_is_done()
    {
        var order = new WorkOrderState { Exists = true, RaisedBy = "B1-1-0501", Status = WorkOrderStatus.InProgress };

        Assert.Contains("not finished", WorkOrderRating.Check(order, "B1-1-0501", out var forbidden));
        Assert.False(forbidden);
        Assert.Contains("only the household that raised", WorkOrderRating.Check(order with { Status = WorkOrderStatus.Done }, "B1-1-0601", out forbidden));
        Assert.True(forbidden);
        Assert.Null(WorkOrderRating.Check(order with { Status = WorkOrderStatus.Done }, "B1-1-0501", out _));
        Assert.NotNull(WorkOrderRating.Check(new WorkOrderState { Exists = true, Status = WorkOrderStatus.Done }, "B1-1-0501", out forbidden));
        Assert.True(forbidden);
    }
}
