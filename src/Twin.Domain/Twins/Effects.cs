using System.Collections.Immutable;

namespace Twin.Twins;

/// <summary>
/// What a rule decided. Rules return effects; the grain carries them out (alarms on its own state, commands to the
/// device, work orders and incidents through other grains). Keeping them as data keeps the rules free of I/O.
/// </summary>
public abstract record Effect;

public sealed record RaiseAlarm(string Code, TwinStatus Level, string Message) : Effect;

public sealed record ClearAlarm(string Code) : Effect;

/// <summary>Send a command to the device. A pending command of the same name is superseded.</summary>
public sealed record IssueCommand(string Command, ImmutableDictionary<string, FieldValue> Args, string Reason, ImmutableDictionary<string, FieldValue> ConfirmedBy) : Effect;

/// <summary>Take back a pending command of this name: what it asked for is no longer wanted.</summary>
public sealed record WithdrawCommand(string Command, string Reason) : Effect;

/// <summary>Open a work order about this twin (<see cref="Topic"/> says what for: collection, fault, offline…).</summary>
public sealed record OpenWorkOrder(string Topic, string Summary) : Effect;

/// <summary>Raise an emergency incident of <see cref="Type"/> at this twin's place.</summary>
public sealed record RaiseIncident(string Type, string Description) : Effect;

/// <summary>Change a twin-side setting shown in <c>desired</c>, such as a lamp's or gate's mode.</summary>
public sealed record ChangeSetting(string Name, FieldValue Value) : Effect;

/// <summary>Keep this memory for the kind's next decision.</summary>
public sealed record Remember(KindMemory Memory) : Effect;

/// <summary>Record a fact learnt from an event among the reported values (a household's last check-in).</summary>
public sealed record RecordReported(string Name, FieldValue Value) : Effect;

/// <summary>The household says how it is; active incidents in its building account for it.</summary>
public sealed record CheckedIn(string Status) : Effect;

/// <summary>The household showed it is there (an <c>occupied</c> change, a check-in); a welfare watch counts it.</summary>
public sealed record ShowedActivity(string How, bool ClosesWelfareCheck) : Effect;

/// <summary>Start, update or stop watching the household's welfare (it has, or no longer has, vulnerable residents).</summary>
public sealed record WatchWelfare : Effect;

public static class Effects
{
    public static readonly IReadOnlyList<Effect> None = [];
}
