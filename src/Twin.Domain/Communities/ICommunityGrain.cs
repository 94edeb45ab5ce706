using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.Communities;

/// <summary>
/// The community's index of its twins, kept current by the twins themselves (they report each change of status,
/// alarms or occupancy), so lists and counts never scan the cluster.
/// </summary>
[Alias("twin.ICommunityGrain")]
public interface ICommunityGrain : IGrainWithStringKey
{
    /// <summary>Names the community (a null name keeps the one it has) and adds buildings.</summary>
    [Alias("define")]
    Task Define(string? name, ImmutableArray<string> buildings);

    /// <summary>Records which twins belong to the community, so a new activation of the index can ask them to report again.</summary>
    [Alias("add-members")]
    Task AddMembers(ImmutableArray<string> members);

    [Alias("twin-changed"), OneWay]
    Task TwinChanged(TwinSummary twin);

    [Alias("query"), ReadOnly]
    Task<ImmutableArray<TwinSummary>> Query(TwinQuery query);

    [Alias("overview"), ReadOnly]
    Task<CommunityOverview?> GetOverview();
}

[GenerateSerializer, Immutable, Alias("twin.query")]
public sealed record TwinQuery(
    [property: Id(0)] string? Kind,
    [property: Id(1)] string? Building,
    [property: Id(2)] string? Status,
    [property: Id(3)] int Limit = 1000);

[GenerateSerializer, Immutable, Alias("twin.community-overview")]
public sealed record CommunityOverview(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] ImmutableDictionary<string, ImmutableDictionary<string, int>> Twins,
    [property: Id(3)] int ActiveAlarms,
    [property: Id(4)] int Households,
    [property: Id(5)] int OccupiedHouseholds,
    [property: Id(6)] int OpenWorkOrders,
    [property: Id(7)] int ActiveIncidents,
    [property: Id(8)] ImmutableArray<string> Buildings,
    [property: Id(9)] Feedback.SatisfactionReport Satisfaction,
    [property: Id(10)] ParticipationCounts Participation,
    [property: Id(11)] WelfareCounts Welfare);

/// <summary>Residents' participation at a glance: feedback waiting for a response (and how much of it is overdue), work in hand, open polls.</summary>
[GenerateSerializer, Immutable, Alias("twin.participation-counts")]
public sealed record ParticipationCounts(
    [property: Id(0)] int FeedbackOpen,
    [property: Id(1)] int FeedbackOverdue,
    [property: Id(2)] int FeedbackInWork,
    [property: Id(3)] int PollsOpen)
{
    public static ParticipationCounts Of(IReadOnlyCollection<Feedback.FeedbackView> feedback, IReadOnlyCollection<Polls.PollView> polls, DateTimeOffset now) => new(
        feedback.Count(f => f.Status == Feedback.FeedbackStatuses.Open),
        // An escalation moves RespondBy on, so feedback that has escalated stays overdue until someone responds.
        feedback.Count(f => f.Status == Feedback.FeedbackStatuses.Open && (now >= f.RespondBy || !f.EscalatedTo.IsDefaultOrEmpty)),
        feedback.Count(f => f.Status == Feedback.FeedbackStatuses.InWork),
        polls.Count(p => p.Status == Polls.PollStatuses.Open));
}

/// <summary>Care of vulnerable households: how many are watched, how many checks are open, acknowledged by nobody yet, or escalated.</summary>
[GenerateSerializer, Immutable, Alias("twin.welfare-counts")]
public sealed record WelfareCounts(
    [property: Id(0)] int Watched,
    [property: Id(1)] int OpenChecks,
    [property: Id(2)] int Unacknowledged,
    [property: Id(3)] int Escalated)
{
    public static WelfareCounts Of(IReadOnlyCollection<Care.WelfareView> watches)
    {
        var open = watches.Where(w => w.Watching && w.Check?.IsOpen == true).Select(w => w.Check!.Task).ToList();
        return new(watches.Count(w => w.Watching), open.Count,
            open.Count(t => t.Status == Incidents.TaskStatuses.Pending), open.Count(t => t.MissedDeadlines > 0));
    }
}

public static class CommunityGrains
{
    public static ICommunityGrain GetCommunity(this IGrainFactory grains, string communityId) => grains.GetGrain<ICommunityGrain>(communityId);
}
