namespace Twin.Twins;

/// <summary>Section <c>Twin:Twins</c>: how device twins store their state.</summary>
public sealed class DeviceTwinOptions
{
    public const string Section = "Twin:Twins";

    /// <summary>
    /// How long a twin may hold telemetry it has not stored yet (DESIGN §8): a message that changed only reported values
    /// waits up to this long, together with the ones after it, before the twin writes its state; the history holds every
    /// message meanwhile, and a twin replays it on activation. Alarms, commands, modes and work orders are stored at once.
    /// Zero stores every message as it comes.
    /// </summary>
    public TimeSpan CoalesceTelemetryFor { get; set; } = TimeSpan.FromSeconds(5);
}
