using System.Collections.Immutable;
using Twin.Communities;
using Twin.Twins;

namespace Twin.Buildings;

/// <summary>
/// A building twin: its own fire panel, and the rollup of its members (households, bins, and the devices that cover
/// it). Members report their changes; the rollup is derived and rebuilt as members activate, so it is not stored.
/// </summary>
[GrainType(TwinKinds.Building)]
public sealed class BuildingGrain([PersistentState("twin", TwinStorage.Name)] IPersistentState<TwinState> state, TwinServices services)
    : DeviceTwinGrain(BuildingRules.Instance, state, services), IBuildingGrain
{
    readonly Dictionary<string, TwinSummary> members = [];
    int activeIncidents;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The rollup is derived: a new activation starts from the community's index; members' reports refine it.
        if (State.Provisioned && State.Community.Length > 0)
            foreach (var member in await GrainFactory.GetCommunity(State.Community).Query(new TwinQuery(null, State.Id, null, int.MaxValue)))
                if (member.Kind != TwinKinds.Building)
                    members.TryAdd($"{member.Kind}/{member.Id}", member);
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task ActiveIncidentsChanged(int count)
    {
        if (count == activeIncidents)
            return;
        activeIncidents = count;
        if (State.Provisioned)
            await Commit();
    }

    public async Task MemberChanged(TwinSummary member)
    {
        var key = $"{member.Kind}/{member.Id}";
        if (members.TryGetValue(key, out var known) && known.Version >= member.Version && known.Status == member.Status)
            return;
        var before = Rollup();
        members[key] = member;
        if (State.Provisioned && !SameRollup(before, Rollup()))
            await Commit();
    }

    protected override TwinView View(bool includePersonalData) => TwinView.Of(State, includePersonalData, Rollup());

    BuildingRollup Rollup()
    {
        var households = members.Values.Where(m => m.Kind == TwinKinds.Household).ToList();
        return new BuildingRollup(
            Communities.Rollup.CountByKindAndStatus(members.Values),
            households.Count,
            households.Count(h => h.Occupied == true),
            Communities.Rollup.ActiveAlarms(members.Values) + State.Alarms.Count,
            activeIncidents);
    }

    static bool SameRollup(BuildingRollup a, BuildingRollup b) =>
        a.Households == b.Households && a.OccupiedHouseholds == b.OccupiedHouseholds && a.ActiveAlarms == b.ActiveAlarms
        && a.ActiveIncidents == b.ActiveIncidents && a.CountsByKindAndStatus.Count == b.CountsByKindAndStatus.Count
        && a.CountsByKindAndStatus.All(k => b.CountsByKindAndStatus.TryGetValue(k.Key, out var other)
            && k.Value.Count == other.Count && k.Value.All(s => other.TryGetValue(s.Key, out var n) && n == s.Value));
}
