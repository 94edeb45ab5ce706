using Twin.Incidents;
using Twin.Twins;

namespace Twin.Incidents;

/// <summary>Who the parties of a role are, for a building: the topology's parties, as the silo loaded them.</summary>
public interface IPartyDirectory
{
    /// <summary>Party ids with <paramref name="role"/>; for <c>grid</c>, only those who look after <paramref name="building"/>.</summary>
    IReadOnlyList<string> PartiesFor(string role, string? building);
}

public sealed class IncidentOptions
{
    public const string Section = "Twin:Incidents";

    /// <summary>How often an active incident looks at its task deadlines while it is in memory.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a durable reminder wakes an active incident, so its deadlines are kept after a restart or the loss of
    /// its silo: an escalation is late by at most this much. Orleans' reminder minimum is lowered to match.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Sends a twin's incident triggers to its community's incident desk, without making the twin wait.</summary>
public sealed class DeskIncidentReporter(IGrainFactory grains) : IIncidentReporter
{
    public Task Raise(TwinState twin, RaiseIncident incident)
    {
        var trigger = new IncidentTrigger(twin.Community, incident.Type, twin.Building ?? twin.Covers.FirstOrDefault(),
            twin.Address.ToString(), incident.Description, twin.Address.ToString());
        return grains.GetIncidentDesk(twin.Community).Trigger(trigger);
    }
}
