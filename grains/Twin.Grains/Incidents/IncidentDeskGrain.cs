using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Twin.Twins;

namespace Twin.Incidents;

/// <summary>
/// The community's incident switchboard. Every trigger of the community passes through this one grain, so two
/// triggers at the same place — even at the same moment from twins on different silos — open one incident, not two.
/// </summary>
/// <remarks>
/// What is active is stored at once, since it decides whether a trigger opens an incident. The list's summaries change
/// with every step of every incident (a task acknowledged, a gate confirmed): those are stored at most once every
/// <see cref="SummariesStoredEvery"/>, and the active incidents' summaries are fetched afresh when the desk activates.
/// Stored on every step, a drill's thirty-odd steps kept the desk writing its whole list back to back, and the next
/// smoke alarm waited behind them (BENCHMARKS.md, *Before and after*).
/// </remarks>
public sealed class IncidentDeskGrain(
    [PersistentState("incidents", TwinStorage.Name)] IPersistentState<IncidentDeskState> store,
    TimeProvider clock,
    ILogger<IncidentDeskGrain> logger) : Grain, IIncidentDeskGrain
{
    public static readonly TimeSpan SummariesStoredEvery = TimeSpan.FromSeconds(1);
    IGrainTimer? storeSummaries;

    IncidentDeskState State => store.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var active = State.Items.Values.Where(i => i.Status == "active").Select(i => GrainFactory.GetIncident(i.Id).GetView());
        foreach (var view in await Task.WhenAll(active))
            if (view is not null && State.Items.TryGetValue(view.Id, out var known) && known.Version < view.Version)
                store.State = State with { Items = State.Items.SetItem(view.Id, view.Summary()) };
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (storeSummaries is not null)
            await StoreSummaries();
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
        await StoreNow();
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
        var items = State.Items;
        if (items.TryGetValue(incident.Id, out var known) && known.Version > incident.Version)
            return;
        var active = State.Active;
        if (incident.Status != "active")
            active = active.RemoveRange(active.Where(kv => kv.Value == incident.Id).Select(kv => kv.Key).ToList());
        var wasActive = known?.Status == "active";
        store.State = State with { Items = items.SetItem(incident.Id, incident.Summary()), Active = active };
        if (known?.Status == incident.Status)
        {
            storeSummaries ??= this.RegisterGrainTimer(StoreSummaries, new GrainTimerCreationOptions(SummariesStoredEvery, Timeout.InfiniteTimeSpan));
            return;
        }
        await StoreNow();
        if (incident.Building is { } building && wasActive != (incident.Status == "active"))
            GrainFactory.GetBuilding(building).ActiveIncidentsChanged(ActiveIn(building)).Ignore();
    }

    Task StoreSummaries() => StoreNow();

    async Task StoreNow()
    {
        storeSummaries?.Dispose();
        storeSummaries = null;
        await store.WriteOrDeactivate(this);
    }

    int ActiveIn(string building) => State.Items.Values.Count(i => i.Status == "active" && i.Building == building);

    public Task<int> ActiveCount() => Task.FromResult(State.Items.Values.Count(i => i.Status == "active"));

    public async Task HouseholdCheckedIn(string household, string? building, string status)
    {
        var incidents = State.Items.Values.Where(i => i.Status == "active" && i.Building == building).Select(i => i.Id).ToList();
        foreach (var id in incidents)
            await GrainFactory.GetIncident(id).Account(household, status, $"household/{household}");
    }

    public Task<ImmutableArray<IncidentView>> List(string? status) =>
        Task.FromResult(State.Items.Values.Where(i => status is null || i.Status == status).OrderByDescending(i => i.OpenedAt).ToImmutableArray());

    public async Task SetPlaybooks(ImmutableDictionary<string, Playbook> playbooks)
    {
        store.State = State with { Playbooks = playbooks };
        await StoreNow();
    }
}

[GenerateSerializer, Alias("twin.incident-desk")]
public sealed record IncidentDeskState
{
    /// <summary>Active incident per place: trigger key (<c>type@place</c>) → incident id.</summary>
    [Id(0)] public ImmutableDictionary<string, string> Active { get; init; } = ImmutableDictionary<string, string>.Empty;
    [Id(1)] public ImmutableDictionary<string, IncidentView> Items { get; init; } = ImmutableDictionary<string, IncidentView>.Empty;
    [Id(2)] public ImmutableDictionary<string, Playbook> Playbooks { get; init; } = ImmutableDictionary<string, Playbook>.Empty;
}

public static class IncidentIds
{
    public static string New(DateTimeOffset now) => $"inc-{now:yyyyMMdd}-{Guid.NewGuid():N}"[..21];
}
