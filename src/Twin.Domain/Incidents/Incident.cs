using System.Collections.Immutable;

namespace Twin.Incidents;

/// <summary>What set an incident off: a twin's rule or a person.</summary>
[GenerateSerializer, Immutable, Alias("twin.incident-trigger")]
public sealed record IncidentTrigger(
    [property: Id(0)] string Community,
    [property: Id(1)] string Type,
    [property: Id(2)] string? Building,
    [property: Id(3)] string? Twin,
    [property: Id(4)] string Description,
    [property: Id(5)] string RaisedBy,
    [property: Id(6)] bool Drill = false)
{
    /// <summary>
    /// Triggers at the same place attach to the active incident of their type. The place is the building, except for
    /// a medical emergency, which is one patient's: two households calling for help are two incidents.
    /// </summary>
    public string Place => (Type == IncidentTypes.Medical ? Twin ?? Building : Building ?? Twin) ?? Community;

    /// <summary>A drill never attaches to a real incident, nor a real trigger to a drill.</summary>
    public string Key => $"{(Drill ? "drill:" : "")}{Type}@{Place}";
}

public static class TaskStatuses
{
    public const string Pending = "pending";
    public const string Acknowledged = "acknowledged";
    public const string Done = "done";
}

/// <summary>One party's task in an incident, with its deadline and how far it has escalated.</summary>
[GenerateSerializer, Immutable, Alias("twin.incident-task")]
public sealed record IncidentTask(
    [property: Id(0)] string Id,
    [property: Id(1)] string Role,
    [property: Id(2)] ImmutableArray<string> Parties,
    [property: Id(3)] string Title,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset Deadline,
    [property: Id(7)] TimeSpan AckWithin,
    [property: Id(8)] ImmutableArray<string> EscalatedTo,
    [property: Id(9)] DateTimeOffset? AcknowledgedAt,
    [property: Id(10)] string? AcknowledgedBy,
    [property: Id(11)] DateTimeOffset? DoneAt,
    [property: Id(12)] string? DoneBy,
    [property: Id(13)] string? Household,
    [property: Id(14)] int MissedDeadlines);

public static class HouseholdStatuses
{
    public const string Unaccounted = "unaccounted";
    public const string Safe = "safe";
    public const string NeedHelp = "need_help";
}

[GenerateSerializer, Immutable, Alias("twin.incident-household")]
public sealed record HouseholdAccount(
    [property: Id(0)] string Household,
    [property: Id(1)] int? Floor,
    [property: Id(2)] string Status,
    [property: Id(3)] DateTimeOffset? At,
    [property: Id(4)] string? By,
    [property: Id(5)] bool? Vulnerable);

public static class ActionStatuses
{
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Failed = "failed";
}

/// <summary>A device action the playbook ran, followed until the device confirms it or it fails.</summary>
[GenerateSerializer, Immutable, Alias("twin.incident-action")]
public sealed record DeviceAction(
    [property: Id(0)] string Twin,
    [property: Id(1)] string Command,
    [property: Id(2)] string? CommandId,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? Detail,
    [property: Id(6)] string Phase);

[GenerateSerializer, Immutable, Alias("twin.incident-step")]
public sealed record TimelineEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Who,
    [property: Id(2)] string What);

[GenerateSerializer, Alias("twin.incident-state")]
public sealed record IncidentState
{
    [Id(0)] public string Id { get; init; } = "";
    [Id(1)] public bool Exists { get; init; }
    [Id(2)] public string Community { get; init; } = "";
    [Id(3)] public string Type { get; init; } = "";
    [Id(4)] public string? Building { get; init; }
    [Id(5)] public string? Twin { get; init; }
    [Id(6)] public string Description { get; init; } = "";
    [Id(7)] public string Status { get; init; } = "active";
    [Id(8)] public DateTimeOffset OpenedAt { get; init; }
    [Id(9)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(10)] public string? ClosedBy { get; init; }
    [Id(11)] public ImmutableList<IncidentTask> Tasks { get; init; } = [];
    [Id(12)] public ImmutableDictionary<string, HouseholdAccount> Households { get; init; } = ImmutableDictionary<string, HouseholdAccount>.Empty;
    [Id(13)] public ImmutableList<DeviceAction> Actions { get; init; } = [];
    [Id(14)] public ImmutableList<TimelineEntry> Timeline { get; init; } = [];
    [Id(15)] public ImmutableList<IncidentTrigger> Triggers { get; init; } = [];
    [Id(16)] public Playbook? Playbook { get; init; }
    [Id(17)] public long Version { get; init; }
    [Id(18)] public DateTimeOffset? AllAccountedAt { get; init; }
    [Id(19)] public string Key { get; init; } = "";
    [Id(20)] public bool PlaybookRan { get; init; }
    [Id(21)] public bool Drill { get; init; }

    public bool IsActive => Exists && Status == "active";

    /// <summary>An incident as it opens: what triggered it, its playbook, its first tasks and timeline.</summary>
    public static IncidentState Opened(string id, IncidentTrigger trigger, Playbook playbook, DateTimeOffset at, ImmutableList<IncidentTask> tasks,
        ImmutableList<TimelineEntry> timeline) => new()
    {
        Exists = true,
        Id = id,
        Key = trigger.Key,
        Community = trigger.Community,
        Type = trigger.Type,
        Building = trigger.Building,
        Twin = trigger.Twin,
        Description = trigger.Description,
        Drill = trigger.Drill,
        OpenedAt = at,
        Playbook = playbook,
        Triggers = [trigger],
        Tasks = tasks,
        Timeline = timeline,
    };
}

[GenerateSerializer, Immutable, Alias("twin.incident-counts")]
public sealed record HouseholdCounts(
    [property: Id(0)] int Total,
    [property: Id(1)] int Safe,
    [property: Id(2)] int NeedHelp,
    [property: Id(3)] int Unaccounted);

/// <summary>An incident as the API, the stream and the retained MQTT state show it.</summary>
[GenerateSerializer, Immutable, Alias("twin.incident-view")]
public sealed record IncidentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Community,
    [property: Id(2)] string Type,
    [property: Id(3)] string? Building,
    [property: Id(4)] string? Twin,
    [property: Id(5)] string Description,
    [property: Id(6)] string Status,
    [property: Id(7)] DateTimeOffset OpenedAt,
    [property: Id(8)] DateTimeOffset? ClosedAt,
    [property: Id(9)] ImmutableList<IncidentTask> Tasks,
    [property: Id(10)] HouseholdCounts Households,
    [property: Id(11)] ImmutableList<HouseholdAccount> HouseholdDetails,
    [property: Id(12)] ImmutableList<DeviceAction> Actions,
    [property: Id(13)] ImmutableList<TimelineEntry> Timeline,
    [property: Id(14)] long Version,
    [property: Id(15)] bool Drill)
{
    public static IncidentView Of(IncidentState s) => new(
        s.Id, s.Community, s.Type, s.Building, s.Twin, s.Description, s.Status, s.OpenedAt, s.ClosedAt, s.Tasks,
        IncidentRules.Count(s.Households.Values), s.Households.Values.OrderBy(h => h.Household, StringComparer.Ordinal).ToImmutableList(),
        s.Actions, s.Timeline, s.Version, s.Drill);

    /// <summary>
    /// Without what tells which households have vulnerable residents (the flag, and the assisted-evacuation tasks):
    /// for the stream, the retained state and parties without a care purpose.
    /// </summary>
    public IncidentView WithoutPersonalData() => this with
    {
        Tasks = Tasks.RemoveAll(t => t.Household is not null),
        HouseholdDetails = HouseholdDetails.Select(h => h with { Vulnerable = null }).ToImmutableList(),
    };

    /// <summary>The list form: everything but the per-household detail and the timeline.</summary>
    public IncidentView Summary() => this with { HouseholdDetails = [], Timeline = [] };
}
