using System.Collections.Immutable;
using Twin.Schema;

namespace Twin.Twins;

/// <summary>
/// The behaviour of one kind of twin: what it accepts (<see cref="Schema"/>) and how it reacts. Every hook is pure:
/// the grain gathers the inputs, calls the hook, and carries out the effects. A new kind adds a subclass in its own
/// folder and one line in <see cref="KindRegistry"/>.
/// </summary>
public abstract class KindRules
{
    public abstract KindSchema Schema { get; }

    public string Kind => Schema.Kind;

    /// <summary>After telemetry was merged into <c>twin.Reported</c>.</summary>
    public virtual IReadOnlyList<Effect> OnTelemetry(TwinState twin, DateTimeOffset now) => Effects.None;

    public virtual IReadOnlyList<Effect> OnEvent(TwinState twin, DeviceMessage message, DateTimeOffset now) => Effects.None;

    /// <summary>After the twin was provisioned or its provisioning changed; <paramref name="before"/> is null for a new twin.</summary>
    public virtual IReadOnlyList<Effect> OnProvisioned(TwinState? before, TwinState twin) => Effects.None;

    /// <summary>A command the twin itself carries out (<see cref="CommandTarget.Twin"/>), such as a mode change.</summary>
    public virtual IReadOnlyList<Effect> OnTwinCommand(TwinState twin, string command, ImmutableDictionary<string, FieldValue> args, DateTimeOffset now) =>
        Effects.None;

    /// <summary>How often the twin looks at itself while active (a camera checking it still hears from its device).</summary>
    public virtual TimeSpan? TickEvery => null;

    /// <param name="silentSince">When the device was last heard from, or when the twin started listening.</param>
    public virtual IReadOnlyList<Effect> OnTick(TwinState twin, DateTimeOffset silentSince, DateTimeOffset now) => Effects.None;

    /// <summary>Reported fields that are personal data (a face match's subject): shown only to parties allowed to see them.</summary>
    public virtual IReadOnlyList<string> PersonalFields => [];

    /// <summary>The settings a freshly provisioned twin starts with.</summary>
    public virtual ImmutableDictionary<string, FieldValue> InitialSettings => Fields.Empty;

    /// <summary>What a device must report to confirm a command, when a report can confirm it; empty means only a <c>command_ack</c> does.</summary>
    public virtual ImmutableDictionary<string, FieldValue> ConfirmationOf(string command, ImmutableDictionary<string, FieldValue> args) => Fields.Empty;

    protected static IReadOnlyList<Effect> RaiseOnce(TwinState twin, string code, TwinStatus level, string message, params Effect[] alsoOnFirst) =>
        twin.HasAlarm(code) ? Effects.None : [new RaiseAlarm(code, level, message), .. alsoOnFirst];

    /// <summary>
    /// An event that calls for an incident: the alarm is raised once, but every occurrence goes to the incident desk,
    /// which attaches repeats to the active incident at the same place — or opens a new one after the last was closed.
    /// </summary>
    protected static IReadOnlyList<Effect> Trigger(TwinState twin, string code, TwinStatus level, string message, RaiseIncident incident) =>
        [.. RaiseOnce(twin, code, level, message), incident];

    protected static bool HasOpenWorkOrder(TwinState twin, string topic) => twin.OpenWorkOrders.ContainsValue(topic);
}
