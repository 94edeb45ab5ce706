using System.Collections.Immutable;
using Twin.Boards;
using Twin.Incidents;
using Twin.Twins;

namespace Twin.Care;

public static class WelfareStatuses
{
    public const string Open = "open";
    public const string Closed = "closed";
}

/// <summary>
/// A welfare check: a vulnerable household was silent too long, so the grid workers of its building are asked to
/// look in. Its task has a deadline and escalates like an incident task; a check-in or the visit closes it.
/// </summary>
[GenerateSerializer, Immutable, Alias("twin.welfare-check")]
public sealed record WelfareCheck(
    [property: Id(0)] string Id,
    [property: Id(1)] DateTimeOffset SilentSince,
    [property: Id(2)] string LastActivity,
    [property: Id(3)] DateTimeOffset OpenedAt,
    [property: Id(4)] string Status,
    [property: Id(5)] IncidentTask Task,
    [property: Id(6)] DateTimeOffset? ClosedAt,
    [property: Id(7)] string? ClosedBy,
    [property: Id(8)] string? ClosedHow,
    [property: Id(9)] ImmutableList<TimelineEntry> Timeline)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsOpen => Status == WelfareStatuses.Open;
}

/// <summary>What the household twin tells its welfare watch when it is provisioned or changed.</summary>
[GenerateSerializer, Immutable, Alias("twin.welfare-subject")]
public sealed record WelfareSubject(
    [property: Id(0)] string Community,
    [property: Id(1)] string Household,
    [property: Id(2)] string? Building,
    [property: Id(3)] int? Floor,
    [property: Id(4)] ImmutableList<Member> Residents)
{
    public bool Vulnerable => WelfareRules.IsVulnerable(Residents);
}

[GenerateSerializer, Alias("twin.welfare-state")]
public sealed record WelfareWatchState
{
    [Id(0)] public bool Watching { get; init; }
    [Id(1)] public string Community { get; init; } = "";
    [Id(2)] public string Household { get; init; } = "";
    [Id(3)] public string? Building { get; init; }
    [Id(4)] public int? Floor { get; init; }
    /// <summary>Personal data: names, phones, vulnerability. Shown only to parties with a care purpose, and audited.</summary>
    [Id(5)] public ImmutableList<Member> Residents { get; init; } = [];
    [Id(6)] public DateTimeOffset LastActivityAt { get; init; }
    [Id(7)] public string LastActivity { get; init; } = "";
    /// <summary>The open check, or the last one.</summary>
    [Id(8)] public WelfareCheck? Check { get; init; }
    [Id(9)] public int ChecksOpened { get; init; }
    [Id(10)] public long Version { get; init; }
}

/// <summary>One watched household as the welfare board and the API show it.</summary>
[GenerateSerializer, Immutable, Alias("twin.welfare-view")]
public sealed record WelfareView(
    [property: Id(0)] string Household,
    [property: Id(1)] string Community,
    [property: Id(2)] string? Building,
    [property: Id(3)] int? Floor,
    [property: Id(4)] bool Watching,
    [property: Id(5)] WelfareCheck? Check,
    [property: Id(6)] int ChecksOpened,
    [property: Id(7)] ImmutableList<Member>? Residents,
    [property: Id(8)] DateTimeOffset? LastActivityAt,
    [property: Id(9)] string? LastActivity,
    [property: Id(10)] long Version) : IBoardItem
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string Id => Household;

    /// <summary>For the board: no last activity, which changes far more often than the board is told.</summary>
    public static WelfareView Of(WelfareWatchState s, bool withActivity) => new(
        s.Household, s.Community, s.Building, s.Floor, s.Watching, s.Check, s.ChecksOpened, s.Residents,
        withActivity ? s.LastActivityAt : null, withActivity ? s.LastActivity : null, s.Version);

    public WelfareView WithoutResidents() => this with { Residents = null };
}

[GenerateSerializer, Immutable, Alias("twin.welfare-outcome")]
public sealed record WelfareOutcome(
    [property: Id(0)] WelfareView? Welfare,
    [property: Id(1)] string? Error,
    [property: Id(2)] bool NotFound = false,
    [property: Id(3)] bool Forbidden = false);

/// <summary>Watches one vulnerable household's activity (grain type <c>welfare</c>, key the household id).</summary>
[Alias("twin.IWelfareWatchGrain")]
public interface IWelfareWatchGrain : IGrainWithStringKey
{
    /// <summary>Starts, updates or (for a household no longer flagged vulnerable) stops the watch.</summary>
    [Alias("watch")]
    Task Watch(WelfareSubject subject);

    /// <summary>The household showed it is there: an <c>occupied</c> change or a check-in.</summary>
    [Alias("activity")]
    Task Activity(string how, bool closesCheck);

    /// <summary>A grid worker (or whoever it escalated to) acknowledges the open check, or completes it after the visit.</summary>
    [Alias("step")]
    Task<WelfareOutcome> Step(string action, string partyId, string role, string? note);

    [Alias("view"), ReadOnly]
    Task<WelfareView?> GetView();
}

public static class WelfareGrains
{
    public const string GrainType = "welfare";

    public static IWelfareWatchGrain GetWelfareWatch(this IGrainFactory grains, string household) =>
        GrainReferences.Get<IWelfareWatchGrain>(grains, GrainId.Create(GrainType, household));

    public static string NewCheckId(DateTimeOffset now) => $"wc-{now:yyyyMMdd}-{Guid.NewGuid():N}"[..20];
}
