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
    public TimeSpan CoalesceTelemetryFor { get; set; } = DurableWindow;

    /// <summary>Whether plain telemetry may wait to be stored at all.</summary>
    public bool Coalesces => CoalesceTelemetryFor != TimeSpan.Zero;

    /// <summary>How often a twin holding telemetry stores it; none when it waits for its deactivation.</summary>
    public TimeSpan? FlushEvery => CoalesceTelemetryFor > TimeSpan.Zero ? CoalesceTelemetryFor : null;

    public bool IsValid => CoalesceTelemetryFor >= TimeSpan.Zero || CoalesceTelemetryFor == Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The durable store's window. Twins that hold telemetry write once per window each, so a silo writes up to
    /// (its twins ÷ the window) states a second however few messages each twin gets: at 10k twins, 5 s meant 2,000
    /// writes a second, which cost PostgreSQL more CPU than the history of 10k messages a second (BENCHMARKS.md,
    /// *Before and after*). What the window bounds is what a twin replays from the history after its silo died: 30 s of
    /// its device's messages, an index range read.
    /// </summary>
    public static readonly TimeSpan DurableWindow = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The window when none is configured: <see cref="DurableWindow"/> with a durable store. In memory, the store dies
    /// with the process, as the history does: writing to it on a timer protects nothing and costs a write per twin every
    /// window (and the garbage collector the copies), so telemetry is stored only when the twin is deactivated.
    /// </summary>
    public static TimeSpan DefaultFor(bool durableStore) => durableStore ? DurableWindow : Timeout.InfiniteTimeSpan;
}
