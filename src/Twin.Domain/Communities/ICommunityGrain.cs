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
    [property: Id(8)] ImmutableArray<string> Buildings);

public static class CommunityGrains
{
    public static ICommunityGrain GetCommunity(this IGrainFactory grains, string communityId) => grains.GetGrain<ICommunityGrain>(communityId);
}
