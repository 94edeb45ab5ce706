using System.Collections.Immutable;

namespace Twin.Incidents;

/// <summary>One incident (grain type <c>incident</c>, key its id): tasks, people, device actions, timeline.</summary>
[Alias("twin.IIncidentGrain")]
public interface IIncidentGrain : IGrainWithStringKey
{
    [Alias("open")]
    Task<IncidentView> Open(IncidentTrigger trigger, Playbook playbook);

    /// <summary>Runs the playbook's device actions and people steps; the incident sends this to itself after opening.</summary>
    [Alias("run-playbook"), OneWay]
    Task RunPlaybook();

    [Alias("attach")]
    Task Attach(IncidentTrigger trigger);

    [Alias("view"), ReadOnly]
    Task<IncidentView?> GetView();

    [Alias("task-step")]
    Task<IncidentOutcome> TaskStep(string taskId, string action, string partyId, string role);

    [Alias("account")]
    Task<IncidentOutcome> Account(string household, string status, string by);

    [Alias("close")]
    Task<IncidentOutcome> Close(string by, string role);

    [Alias("report"), ReadOnly]
    Task<IncidentReport?> GetReport();

    /// <summary>A device answered (or never answered) a command the incident sent. One-way: twins must not wait on incidents.</summary>
    [Alias("action-settled"), OneWay]
    Task ActionSettled(string twin, string commandId, bool ok, string detail);
}

/// <summary>The community's switchboard for incidents: one active incident per type and place, and its index.</summary>
[Alias("twin.IIncidentDeskGrain")]
public interface IIncidentDeskGrain : IGrainWithStringKey
{
    /// <summary>Opens an incident, or attaches the trigger to the active one at the same place. Returns the incident id.</summary>
    [Alias("raise")]
    Task<IncidentRaised> Raise(IncidentTrigger trigger);

    /// <summary>The same as <see cref="Raise"/>, one-way: for twins, which must never wait on the incident they trigger.</summary>
    [Alias("trigger"), OneWay]
    Task Trigger(IncidentTrigger trigger);

    [Alias("changed"), OneWay]
    Task Changed(IncidentView incident);

    [Alias("checked-in"), OneWay]
    Task HouseholdCheckedIn(string household, string? building, string status);

    [Alias("active-count"), ReadOnly]
    Task<int> ActiveCount();

    [Alias("list"), ReadOnly]
    Task<ImmutableArray<IncidentView>> List(string? status);

    [Alias("playbooks")]
    Task SetPlaybooks(ImmutableDictionary<string, Playbook> playbooks);
}

[GenerateSerializer, Immutable, Alias("twin.incident-raised")]
public sealed record IncidentRaised([property: Id(0)] string Id, [property: Id(1)] bool Attached);

[GenerateSerializer, Immutable, Alias("twin.incident-outcome")]
public sealed record IncidentOutcome(
    [property: Id(0)] IncidentView? Incident,
    [property: Id(1)] string? Error,
    [property: Id(2)] bool NotFound = false,
    [property: Id(3)] bool Forbidden = false);

public static class IncidentGrains
{
    public static IIncidentGrain GetIncident(this IGrainFactory grains, string id) =>
        GrainReferences.Get<IIncidentGrain>(grains, GrainId.Create(TwinKinds.Incident, id));

    public static IIncidentDeskGrain GetIncidentDesk(this IGrainFactory grains, string community) => grains.GetGrain<IIncidentDeskGrain>(community);
}
