using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Twin.Twins;

namespace Twin.Incidents;

/// <summary>
/// The community's incident switchboard. Every trigger of the community passes through this one grain, so two
/// triggers at the same place — even at the same moment from twins on different silos — open one incident, not two.
/// </summary>
/// <remarks>
/// Two stored states. What is active (and the playbooks) is small and stored at once, since it decides whether a
/// trigger opens an incident. The list of every incident the community has had grows for ever and changes with every
/// step of every incident (a task acknowledged, a gate confirmed): it is stored at most once every
/// <see cref="ListStoredEvery"/> and on deactivation, and the active incidents are asked for their latest view when the
/// desk activates. When both were one state stored on every step, a drill's thirty-odd steps kept the desk rewriting
/// the whole list back to back, and the next smoke alarm waited behind them, longer with every incident the community
/// had ever had (BENCHMARKS.md, *Before and after*).
/// </remarks>
public sealed class IncidentDeskGrain(
    [PersistentState("incidents", TwinStorage.Name)] IPersistentState<IncidentDeskState> store,
    [PersistentState("incident-list", TwinStorage.Name)] IPersistentState<IncidentListState> list,
    TimeProvider clock,
    ILogger<IncidentDeskGrain> logger) : Grain, IIncidentDeskGrain
{
    public static readonly TimeSpan ListStoredEvery = TimeSpan.FromSeconds(1);
    IGrainTimer? listTimer;

    IncidentDeskState State => store.State;

    ImmutableDictionary<string, IncidentView> Items => list.State.Items;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var active = Items.Values.Where(i => i.Status == "active").Select(i => GrainFactory.GetIncident(i.Id).GetView());
        foreach (var view in await Task.WhenAll(active))
            if (view is not null && Items.TryGetValue(view.Id, out var known) && known.Version < view.Version)
                list.State = new IncidentListState { Items = Items.SetItem(view.Id, view.Summary()) };
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (listTimer is not null)
            await StoreList();
    }

    public async Task<IncidentRaised> Raise(IncidentTrigger trigger)
    {
        if (State.Active.TryGetValue(trigger.Key, out var activeId))
        {
            await GrainFactory.GetIncident(activeId).Attach(trigger);
            return new IncidentRaised(activeId, Attached: true);
        }
        var id = IncidentIds.New(clock.GetUtcNow());
        store.State = State with { Active = State.Active.SetItem(trigger.Key, id) };
        await store.WriteOrDeactivate(this);
        var playbook = State.Playbooks.GetValueOrDefault(trigger.Type) ?? Playbooks.Defaults[trigger.Type];
        var view = await GrainFactory.GetIncident(id).Open(trigger, playbook);
        await Changed(view);
        return new IncidentRaised(id, Attached: false);
    }

    public async Task Trigger(IncidentTrigger trigger)
    {
        try
        {
            await Raise(trigger);
        }
        catch (Exception e)
        {
            Log.IncidentTriggerFailed(logger, e, trigger.Type, trigger.Place, trigger.Description);
            throw;
        }
    }

    public async Task Changed(IncidentView incident)
    {
        if (Items.TryGetValue(incident.Id, out var known) && known.Version > incident.Version)
            return;
        list.State = new IncidentListState { Items = Items.SetItem(incident.Id, incident.Summary()) };
        listTimer ??= this.RegisterGrainTimer(StoreList, new GrainTimerCreationOptions(ListStoredEvery, Timeout.InfiniteTimeSpan));
        var wasActive = known?.Status == "active";
        var places = incident.Status == "active" ? [] : State.Active.Where(kv => kv.Value == incident.Id).Select(kv => kv.Key).ToList();
        if (places.Count > 0)
        {
            store.State = State with { Active = State.Active.RemoveRange(places) };
            await store.WriteOrDeactivate(this);
        }
        if (incident.Building is { } building && wasActive != (incident.Status == "active"))
            GrainFactory.GetBuilding(building).ActiveIncidentsChanged(ActiveIn(building)).Ignore();
    }

    async Task StoreList()
    {
        listTimer?.Dispose();
        listTimer = null;
        await list.WriteOrDeactivate(this);
    }

    int ActiveIn(string building) => Items.Values.Count(i => i.Status == "active" && i.Building == building);

    public Task<int> ActiveCount() => Task.FromResult(Items.Values.Count(i => i.Status == "active"));

    public async Task HouseholdCheckedIn(string household, string? building, string status)
    {
        var incidents = Items.Values.Where(i => i.Status == "active" && i.Building == building).Select(i => i.Id).ToList();
        foreach (var id in incidents)
            await GrainFactory.GetIncident(id).Account(household, status, $"household/{household}");
    }

    public Task<ImmutableArray<IncidentView>> List(string? status) =>
        Task.FromResult(Items.Values.Where(i => status is null || i.Status == status).OrderByDescending(i => i.OpenedAt).ToImmutableArray());

    public async Task SetPlaybooks(ImmutableDictionary<string, Playbook> playbooks)
    {
        store.State = State with { Playbooks = playbooks };
        await store.WriteOrDeactivate(this);
    }
}

[GenerateSerializer, Alias("twin.incident-desk")]
public sealed record IncidentDeskState
{
    /// <summary>Active incident per place: trigger key (<c>type@place</c>) → incident id.</summary>
    [Id(0)] public ImmutableDictionary<string, string> Active { get; init; } = ImmutableDictionary<string, string>.Empty;

    // Id 1 held the list before it had a state of its own (IncidentListState).
    [Id(2)] public ImmutableDictionary<string, Playbook> Playbooks { get; init; } = ImmutableDictionary<string, Playbook>.Empty;
}

/// <summary>Every incident the community has had, as the list shows it (<see cref="IncidentView.Summary"/>).</summary>
[GenerateSerializer, Alias("twin.incident-list")]
public sealed record IncidentListState
{
    [Id(0)] public ImmutableDictionary<string, IncidentView> Items { get; init; } = ImmutableDictionary<string, IncidentView>.Empty;
}

public static class IncidentIds
{
    public static string New(DateTimeOffset now) => $"inc-{now:yyyyMMdd}-{Guid.NewGuid():N}"[..21];
}
