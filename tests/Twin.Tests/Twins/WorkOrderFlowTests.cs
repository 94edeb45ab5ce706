using Twin.WorkOrders;

namespace Twin.Tests.Twins;

public sealed class WorkOrderFlowTests
{
    [Theory]
    [InlineData(WorkOrderStatus.Open, "assign")]
    [InlineData(WorkOrderStatus.Assigned, "assign")]
    [InlineData(WorkOrderStatus.Assigned, "start")]
    [InlineData(WorkOrderStatus.Assigned, "complete")]
    [InlineData(WorkOrderStatus.InProgress, "complete")]
    public void Allowed_steps_pass(WorkOrderStatus from, string action) =>
        Assert.Null(WorkOrderFlow.CheckStep(from, action));

    [Fact]
    public void An_open_work_order_cannot_be_started_before_it_is_assigned() =>
        Assert.Contains("assign", WorkOrderFlow.CheckStep(WorkOrderStatus.Open, "start"));

    [Fact]
    public void An_open_work_order_cannot_be_completed_before_it_is_assigned() =>
        Assert.Contains("assign", WorkOrderFlow.CheckStep(WorkOrderStatus.Open, "complete"));

    [Theory]
    [InlineData("assign")]
    [InlineData("start")]
    [InlineData("complete")]
    public void A_done_work_order_takes_no_further_step(string action) =>
        Assert.Contains("already done", WorkOrderFlow.CheckStep(WorkOrderStatus.Done, action));

    [Fact]
    public void A_work_order_in_progress_cannot_be_started_again()
    {
        var problem = WorkOrderFlow.CheckStep(WorkOrderStatus.InProgress, "start");

        Assert.NotNull(problem);
        Assert.Contains("in_progress", problem);
    }

    [Theory]
    [InlineData(WorkOrderStatus.Open, "open")]
    [InlineData(WorkOrderStatus.Assigned, "assigned")]
    [InlineData(WorkOrderStatus.InProgress, "in_progress")]
    [InlineData(WorkOrderStatus.Done, "done")]
    public void Work_order_statuses_have_wire_names(WorkOrderStatus status, string wire)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.True(WorkOrderStatusNames.TryParse(wire, out var parsed));
        Assert.Equal(status, parsed);
    }
}
