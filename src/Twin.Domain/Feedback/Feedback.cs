using System.Collections.Immutable;
using Twin.Boards;
using Twin.Incidents;

namespace Twin.Feedback;

public static class FeedbackCategories
{
    public static readonly IReadOnlyList<string> All = ["repair", "environment", "safety", "suggestion", "complaint"];
}

/// <summary>
/// Where a resident's feedback stands: <c>open</c> until someone responds; then <c>answered</c> (a reply, no work) or
/// <c>in_work</c> (a work order was opened for it), which becomes <c>done</c> when the work order is done.
/// </summary>
public static class FeedbackStatuses
{
    public const string Open = "open";
    public const string Answered = "answered";
    public const string InWork = "in_work";
    public const string Done = "done";

    /// <summary>A filter, not a status: open or in work.</summary>
    public const string Active = "active";

    public static readonly IReadOnlyList<string> All = [Open, Answered, InWork, Done];

    public static bool Matches(string status, string? filter) =>
        filter is null || status == filter || (filter == Active && status is Open or InWork);
}

/// <summary>A household's rating of finished work.</summary>
[GenerateSerializer, Immutable, Alias("twin.rating")]
public sealed record Rating(
    [property: Id(0)] int Stars,
    [property: Id(1)] string? Comment,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string By);

/// <summary>What a resident files.</summary>
[GenerateSerializer, Immutable, Alias("twin.feedback-filing")]
public sealed record FeedbackFiling(
    [property: Id(0)] string Community,
    [property: Id(1)] string Household,
    [property: Id(2)] string? Building,
    [property: Id(3)] string Category,
    [property: Id(4)] string Text,
    [property: Id(5)] string? Twin,
    [property: Id(6)] string FiledBy);

[GenerateSerializer, Alias("twin.feedback-state")]
public sealed record FeedbackState
{
    [Id(0)] public bool Exists { get; init; }
    [Id(1)] public string Id { get; init; } = "";
    [Id(2)] public string Community { get; init; } = "";
    [Id(3)] public string Household { get; init; } = "";
    [Id(4)] public string? Building { get; init; }
    [Id(5)] public string Category { get; init; } = "";
    [Id(6)] public string Text { get; init; } = "";
    [Id(7)] public string? Twin { get; init; }
    [Id(8)] public string Status { get; init; } = FeedbackStatuses.Open;
    [Id(9)] public DateTimeOffset FiledAt { get; init; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>
    /// The property company's task to respond, with its deadline and escalation, as for an incident task. It is done
    /// when someone responds: its <c>DoneAt</c> and <c>DoneBy</c> are the first response.
    /// </summary>
    [Id(11)] public IncidentTask Response { get; init; } = null!;
    [Id(14)] public string? Answer { get; init; }
    [Id(15)] public string? WorkOrder { get; init; }
    [Id(16)] public string? WorkOrderStatus { get; init; }
    [Id(17)] public DateTimeOffset? DoneAt { get; init; }
    [Id(18)] public Rating? Rating { get; init; }
    [Id(19)] public ImmutableList<TimelineEntry> Timeline { get; init; } = [];
    [Id(20)] public long Version { get; init; }
}

/// <summary>A piece of feedback as the resident who filed it and the staff who handle it see it.</summary>
[GenerateSerializer, Immutable, Alias("twin.feedback-view")]
public sealed record FeedbackView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Community,
    [property: Id(2)] string Household,
    [property: Id(3)] string? Building,
    [property: Id(4)] string Category,
    [property: Id(5)] string Text,
    [property: Id(6)] string? Twin,
    [property: Id(7)] string Status,
    [property: Id(8)] DateTimeOffset FiledAt,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] DateTimeOffset RespondBy,
    [property: Id(11)] ImmutableArray<string> EscalatedTo,
    [property: Id(12)] DateTimeOffset? RespondedAt,
    [property: Id(13)] string? RespondedBy,
    [property: Id(14)] string? Answer,
    [property: Id(15)] string? WorkOrder,
    [property: Id(16)] string? WorkOrderStatus,
    [property: Id(17)] DateTimeOffset? DoneAt,
    [property: Id(18)] Rating? Rating,
    [property: Id(19)] ImmutableList<TimelineEntry> Timeline,
    [property: Id(20)] long Version) : IBoardItem
{
    public static FeedbackView Of(FeedbackState s) => new(
        s.Id, s.Community, s.Household, s.Building, s.Category, s.Text, s.Twin, s.Status, s.FiledAt, s.UpdatedAt,
        s.Response.Deadline, s.Response.EscalatedTo, s.Response.DoneAt, s.Response.DoneBy, s.Answer, s.WorkOrder, s.WorkOrderStatus,
        s.DoneAt, s.Rating, s.Timeline, s.Version);

    /// <summary>The kind of asset it is about (lamp, bin…), or <c>general</c>.</summary>
    public string AssetKind => Twin is { } t && TwinId.TryParse(t, out var id) ? id.Kind : "general";
}

[GenerateSerializer, Immutable, Alias("twin.feedback-outcome")]
public sealed record FeedbackOutcome(
    [property: Id(0)] FeedbackView? Feedback,
    [property: Id(1)] string? Error,
    [property: Id(2)] bool NotFound = false,
    [property: Id(3)] bool Forbidden = false);

/// <summary>One resident's feedback (grain type <c>feedback</c>, key its id).</summary>
[Alias("twin.IFeedbackGrain")]
public interface IFeedbackGrain : IGrainWithStringKey
{
    [Alias("file")]
    Task<FeedbackView> File(FeedbackFiling filing);

    /// <summary>A reply without a work order: the feedback is answered.</summary>
    [Alias("answer")]
    Task<FeedbackOutcome> Answer(string by, string role, string text);

    /// <summary>Opens a work order for it, linked both ways.</summary>
    [Alias("to-workorder")]
    Task<FeedbackOutcome> ToWorkOrder(string by, string role, string? summary);

    /// <summary>The linked work order changed (a step, or the household's rating).</summary>
    [Alias("workorder-changed")]
    Task WorkOrderChanged(WorkOrders.WorkOrderView workOrder);

    [Alias("view"), ReadOnly]
    Task<FeedbackView?> GetView();
}

public static class FeedbackGrains
{
    public const string GrainType = "feedback";

    public static IFeedbackGrain GetFeedback(this IGrainFactory grains, string id) =>
        GrainReferences.Get<IFeedbackGrain>(grains, GrainId.Create(GrainType, id));
}

public static class FeedbackIds
{
    public static string New(DateTimeOffset now) => $"fb-{now:yyyyMMdd}-{Guid.NewGuid():N}"[..20];
}
