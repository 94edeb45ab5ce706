using System.Collections.Immutable;

namespace Twin.WorkOrders;

public enum WorkOrderStatus { Open, Assigned, InProgress, Done }

public static class WorkOrderStatusNames
{
    public static string ToWire(this WorkOrderStatus status) => WireNames.Of(status);

    public static bool TryParse(string? text, out WorkOrderStatus status) => WireNames.TryParse(text, out status);
}

[GenerateSerializer, Immutable, Alias("twin.workorder-step")]
public sealed record WorkOrderStep(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string By,
    [property: Id(2)] string Action,
    [property: Id(3)] string? Note);

[GenerateSerializer, Alias("twin.workorder-state")]
public sealed record WorkOrderState
{
    [Id(0)] public string Id { get; init; } = "";
    [Id(1)] public string Community { get; init; } = "";
    [Id(2)] public string Twin { get; init; } = "";
    [Id(3)] public string Topic { get; init; } = "";
    [Id(4)] public string Summary { get; init; } = "";
    [Id(5)] public WorkOrderStatus Status { get; init; }
    [Id(6)] public string? Assignee { get; init; }
    [Id(7)] public DateTimeOffset CreatedAt { get; init; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(9)] public ImmutableList<WorkOrderStep> History { get; init; } = [];
    [Id(10)] public string? Building { get; init; }
    [Id(11)] public bool Exists { get; init; }
    /// <summary>The resident's feedback it was opened for, if any.</summary>
    [Id(12)] public string? Feedback { get; init; }
    /// <summary>The household whose feedback it was opened for: the one that may rate the work.</summary>
    [Id(13)] public string? RaisedBy { get; init; }
    [Id(14)] public Feedback.Rating? Rating { get; init; }
}

[GenerateSerializer, Immutable, Alias("twin.workorder-view")]
public sealed record WorkOrderView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Community,
    [property: Id(2)] string Twin,
    [property: Id(3)] string? Building,
    [property: Id(4)] string Topic,
    [property: Id(5)] string Summary,
    [property: Id(6)] string Status,
    [property: Id(7)] string? Assignee,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] ImmutableList<WorkOrderStep> History,
    [property: Id(11)] string? Feedback = null,
    [property: Id(12)] string? RaisedBy = null,
    [property: Id(13)] Feedback.Rating? Rating = null)
{
    public static WorkOrderView Of(WorkOrderState s) =>
        new(s.Id, s.Community, s.Twin, s.Building, s.Topic, s.Summary, s.Status.ToWire(), s.Assignee, s.CreatedAt, s.UpdatedAt, s.History,
            s.Feedback, s.RaisedBy, s.Rating);
}

[GenerateSerializer, Immutable, Alias("twin.workorder-request")]
public sealed record WorkOrderRequest(
    [property: Id(0)] string Community,
    [property: Id(1)] TwinId Twin,
    [property: Id(2)] string? Building,
    [property: Id(3)] string Topic,
    [property: Id(4)] string Summary,
    [property: Id(5)] string? Feedback = null,
    [property: Id(6)] string? RaisedBy = null);

/// <summary>The result of a step on a work order: the new view, or why the step is not possible now.</summary>
[GenerateSerializer, Immutable, Alias("twin.workorder-outcome")]
public sealed record WorkOrderOutcome(
    [property: Id(0)] WorkOrderView? WorkOrder,
    [property: Id(1)] string? Error,
    [property: Id(2)] bool NotFound = false,
    [property: Id(3)] bool Forbidden = false);

/// <summary>Which steps a work order may take from which status.</summary>
public static class WorkOrderFlow
{
    public static string? CheckStep(WorkOrderStatus from, string action) => (action, from) switch
    {
        ("assign", WorkOrderStatus.Open or WorkOrderStatus.Assigned) => null,
        ("start", WorkOrderStatus.Assigned) => null,
        ("start", WorkOrderStatus.Open) => "assign the work order before starting it",
        ("complete", WorkOrderStatus.Assigned or WorkOrderStatus.InProgress) => null,
        ("complete", WorkOrderStatus.Open) => "assign the work order before completing it",
        (_, WorkOrderStatus.Done) => "the work order is already done",
        _ => $"a work order that is {from.ToWire()} cannot be {action}ed",
    };
}

/// <summary>Who may rate a work order, and when.</summary>
public static class WorkOrderRating
{
    public const int MaxCommentLength = 1000;

    /// <summary>Why <paramref name="household"/> may not rate this work order now, or null; and whether that is a matter of who asks.</summary>
    public static string? Check(WorkOrderState order, string? household, out bool forbidden)
    {
        forbidden = order.RaisedBy is null || order.RaisedBy != household;
        if (order.RaisedBy is null)
            return "this work order was not raised by a resident's feedback, so there is no household to rate it";
        if (order.RaisedBy != household)
            return "only the household that raised this work order rates it";
        return order.Status == WorkOrderStatus.Done ? null : $"the work is not finished yet (the work order is {order.Status.ToWire()})";
    }
}
