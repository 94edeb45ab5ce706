using Twin.Twins;

namespace Twin.History;

/// <summary>What the history records about a twin's own change: status, alarms and commands — not every telemetry field, which the message rows already hold.</summary>
public sealed record TwinChange(
    TwinStatus Status,
    TwinStatus? StatusBefore,
    IReadOnlyList<string> AlarmsRaised,
    IReadOnlyList<string> AlarmsCleared,
    IReadOnlyList<string> CommandsIssued,
    IReadOnlyList<string> CommandsSettled)
{
    /// <summary>The change worth a history row between two committed states, or null when only telemetry moved.</summary>
    public static TwinChange? Between(TwinState before, TwinState after)
    {
        // Called on every commit: telemetry alone leaves both immutable lists (and so the status) untouched.
        if (ReferenceEquals(before.Alarms, after.Alarms) && ReferenceEquals(before.Pending, after.Pending))
            return null;
        var raised = after.Alarms.Where(a => !before.HasAlarm(a.Code) || before.Alarms.First(b => b.Code == a.Code).Since != a.Since)
            .Select(a => a.Code).ToList();
        var cleared = before.Alarms.Where(b => !after.HasAlarm(b.Code)).Select(b => b.Code).ToList();
        var issued = after.Pending.Where(p => before.Pending.All(b => b.Id != p.Id)).Select(p => $"{p.Command} {p.Id}").ToList();
        var settled = before.Pending.Where(b => after.Pending.All(p => p.Id != b.Id)).Select(b => $"{b.Command} {b.Id}").ToList();
        var statusChanged = before.Status != after.Status;
        if (!statusChanged && raised.Count == 0 && cleared.Count == 0 && issued.Count == 0 && settled.Count == 0)
            return null;
        return new TwinChange(after.Status, statusChanged ? before.Status : null, raised, cleared, issued, settled);
    }
}
