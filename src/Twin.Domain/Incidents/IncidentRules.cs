using System.Collections.Immutable;

namespace Twin.Incidents;

/// <summary>The decisions of an incident, as plain functions: escalation, who may act on a task, accounting, the report.</summary>
public static class IncidentRules
{
    public static readonly IReadOnlyList<string> CoordinatorRoles = ["committee", "property", "admin"];

    public static HouseholdCounts Count(IEnumerable<HouseholdAccount> households)
    {
        var list = households.ToList();
        return new HouseholdCounts(list.Count,
            list.Count(h => h.Status == HouseholdStatuses.Safe),
            list.Count(h => h.Status == HouseholdStatuses.NeedHelp),
            list.Count(h => h.Status == HouseholdStatuses.Unaccounted));
    }

    /// <summary>
    /// A pending task past its deadline escalates to the next party of the chain, with a new deadline of the same
    /// length; once the chain is used up it stays with the last one and only the missed deadline is counted.
    /// </summary>
    public static IncidentTask? Escalate(IncidentTask task, IReadOnlyList<string> chain, DateTimeOffset now, out string? escalatedTo)
    {
        escalatedTo = null;
        if (task.Status != TaskStatuses.Pending || now < task.Deadline)
            return null;
        var next = chain.Skip(task.EscalatedTo.Length).FirstOrDefault();
        escalatedTo = next;
        return task with
        {
            EscalatedTo = next is null ? task.EscalatedTo : task.EscalatedTo.Add(next),
            Deadline = now + task.AckWithin,
            MissedDeadlines = task.MissedDeadlines + 1,
        };
    }

    /// <summary>Whether a party may acknowledge or complete a task: its own party or role, one it escalated to, or admin.</summary>
    public static bool MayActOn(IncidentTask task, string partyId, string role) =>
        role == "admin" || task.Parties.Contains(partyId) || task.EscalatedTo.Contains(partyId)
        || (task.Parties.IsEmpty && task.Role == role);

    public static IncidentReport Report(IncidentState s, DateTimeOffset now)
    {
        var firstAckByRole = s.Tasks
            .Where(t => t.AcknowledgedAt is not null)
            .GroupBy(t => t.Role)
            .ToImmutableDictionary(g => g.Key, g => (g.Min(t => t.AcknowledgedAt)!.Value - s.OpenedAt).TotalSeconds);
        var unacknowledgedRoles = s.Tasks.Select(t => t.Role).Distinct()
            .Where(r => !firstAckByRole.ContainsKey(r)).ToImmutableArray();
        var missed = s.Tasks.Where(t => t.MissedDeadlines > 0)
            .Select(t => new MissedDeadline(t.Id, t.Role, t.Title, t.MissedDeadlines, t.EscalatedTo)).ToImmutableList();
        var failed = s.Actions.Where(a => a.Status == ActionStatuses.Failed).ToImmutableList();
        var never = s.Households.Values.Where(h => h.Status == HouseholdStatuses.Unaccounted)
            .Select(h => h.Household).Order(StringComparer.Ordinal).ToImmutableArray();
        return new IncidentReport(
            s.Id, s.Type, s.Drill, s.Building, s.Description, s.OpenedAt, s.ClosedAt, ((s.ClosedAt ?? now) - s.OpenedAt).TotalSeconds,
            firstAckByRole, unacknowledgedRoles,
            s.AllAccountedAt is { } all ? (all - s.OpenedAt).TotalSeconds : null,
            Count(s.Households.Values), never, missed, failed, s.Triggers.Count, s.Timeline);
    }
}

[GenerateSerializer, Immutable, Alias("twin.incident-missed")]
public sealed record MissedDeadline(
    [property: Id(0)] string Task,
    [property: Id(1)] string Role,
    [property: Id(2)] string Title,
    [property: Id(3)] int Times,
    [property: Id(4)] ImmutableArray<string> EscalatedTo);

/// <summary>The after-action report.</summary>
[GenerateSerializer, Immutable, Alias("twin.incident-report")]
public sealed record IncidentReport(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(16)] bool Drill,
    [property: Id(2)] string? Building,
    [property: Id(3)] string Description,
    [property: Id(4)] DateTimeOffset OpenedAt,
    [property: Id(5)] DateTimeOffset? ClosedAt,
    [property: Id(6)] double DurationSeconds,
    [property: Id(7)] ImmutableDictionary<string, double> SecondsToFirstAckByRole,
    [property: Id(8)] ImmutableArray<string> RolesThatNeverAcknowledged,
    [property: Id(9)] double? SecondsUntilAllHouseholdsAccounted,
    [property: Id(10)] HouseholdCounts Households,
    [property: Id(11)] ImmutableArray<string> HouseholdsNeverAccounted,
    [property: Id(12)] ImmutableList<MissedDeadline> MissedDeadlines,
    [property: Id(13)] ImmutableList<DeviceAction> FailedDeviceActions,
    [property: Id(14)] int Triggers,
    [property: Id(15)] ImmutableList<TimelineEntry> Timeline);
