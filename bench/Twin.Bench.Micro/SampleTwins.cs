using System.Collections.Immutable;
using Twin.Gates;
using Twin.Lamps;
using Twin.Twins;

namespace Twin.Bench.Micro;

/// <summary>
/// Provisioned twins as the sample community's topology and a few minutes of traffic leave them (profile, covers,
/// settings, reported values, version and seq), so the rules work on states of a realistic size.
/// </summary>
static class SampleTwins
{
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 20, 0, 0, TimeSpan.Zero);

    /// <summary>Lamp L-01 of the sample community: auto mode, dark, dimmed to 30 %, nobody near, nothing pending.</summary>
    public static TwinState DimmedLamp() => new()
    {
        Kind = TwinKinds.Lamp,
        Id = "L-01",
        Community = "sunrise",
        Covers = ["B1"],
        Provisioned = true,
        Profile = Fields.Of(("x", 20.0), ("y", 30.0)),
        Settings = LampRules.Instance.InitialSettings,
        Reported = Fields.Of(("on", true), ("brightness", 30.0), ("lux", 12.5), ("motion", false), ("powerW", 18.2)),
        ReportedAt = T0.AddMinutes(-1),
        Version = 1041,
        LastSeq = 1041,
        UpdatedAt = T0.AddMinutes(-1),
        LastMessageAt = T0.AddMinutes(-1),
    };

    /// <summary>The same lamp after it saw motion: it reports motion and still waits for the full light it was asked for.</summary>
    public static TwinState LampAwaitingFullLight() => DimmedLamp() with
    {
        Reported = DimmedLamp().Reported.SetItem("motion", true),
        ReportedAt = T0,
        Pending = [SetBrightness(LampRules.Full, issuedAt: T0)],
        Version = 1042,
        LastSeq = 1042,
        UpdatedAt = T0,
        LastMessageAt = T0,
    };

    /// <summary>A pending <c>set_brightness</c> as the lamp rules issue it, confirmed by the lamp reporting that brightness.</summary>
    public static PendingCommand SetBrightness(int brightness, DateTimeOffset issuedAt)
    {
        var args = Fields.Of(("brightness", (double)brightness));
        return new PendingCommand("c-3f9a1c0d2e7b", "set_brightness", args, LampRules.Why(LampModes.Auto, brightness), args,
            issuedAt, issuedAt + CommandTiming.Default.Deadline, 1, issuedAt + CommandTiming.Default.FirstResendAfter, "device");
    }

    /// <summary>The sample community's north gate, in normal mode, with <paramref name="recentDenials"/> refused accesses in the last 40 s.</summary>
    public static TwinState NorthGate(int recentDenials) => new()
    {
        Kind = TwinKinds.Gate,
        Id = "G-north",
        Community = "sunrise",
        Provisioned = true,
        Profile = Fields.Of(("name", "North gate"), ("x", 200.0), ("y", 0.0)),
        Settings = GateRules.Instance.InitialSettings,
        Reported = Fields.Of(("locked", true), ("open", false)),
        ReportedAt = T0.AddMinutes(-5),
        Version = 310,
        LastSeq = 310,
        UpdatedAt = T0.AddSeconds(-10),
        LastMessageAt = T0.AddSeconds(-10),
        Memory = new GateMemory(Enumerable.Range(0, recentDenials).Select(i => T0.AddSeconds(-40 + 10 * i)).ToImmutableList()),
    };
}
