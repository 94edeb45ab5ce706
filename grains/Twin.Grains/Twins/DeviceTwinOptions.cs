namespace Twin.Twins;

/// <summary>Section <c>Twin:Twins</c>: how device twins store their state.</summary>
public sealed class DeviceTwinOptions
{
    public const string Section = "Twin:Twins";

    /// <summary>
    /// How long a twin may hold telemetry it has not stored yet (DESIGN §8): a message that changed only reported values
    /// waits up to this long, together with the ones after it, before the twin writes its state; the history holds every
    /// message meanwhile, and a twin replays it on activation. Alarms, commands, modes and work orders are stored at once.
    /// Zero stores every message as it comes. <see cref="Timeout.InfiniteTimeSpan"/> (<c>-00:00:00.001</c>) holds it
    /// until the twin is deactivated: the in-memory mode's default (<see cref="DefaultFor"/>).
    /// </summary>
    public TimeSpan CoalesceTelemetryFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether plain telemetry may wait to be stored at all.</summary>
    public bool Coalesces => CoalesceTelemetryFor != TimeSpan.Zero;

    /// <summary>How often a twin holding telemetry stores it; none when it waits for its deactivation.</summary>
    public TimeSpan? FlushEvery => CoalesceTelemetryFor > TimeSpan.Zero ? CoalesceTelemetryFor : null;

    public bool IsValid => CoalesceTelemetryFor >= TimeSpan.Zero || CoalesceTelemetryFor == Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The window when none is configured. With a durable store, 5 s bounds what a restart replays from the history.
    /// In memory, the store dies with the process, as the history does: writing to it on a timer protects nothing and
    /// costs a write per twin every few seconds (and the garbage collector the copies), so telemetry is stored only
    /// when the twin is deactivated.
    /// </summary>
    public static TimeSpan DefaultFor(bool durableStore) => durableStore ? TimeSpan.FromSeconds(5) : Timeout.InfiniteTimeSpan;
}
