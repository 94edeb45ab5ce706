using System.Collections.Immutable;
using Twin.Schema;
using Twin.Twins;

namespace Twin.Gates;

public static class GateModes
{
    public const string Normal = "normal";
    public const string Lockdown = "lockdown";
    public const string Evacuation = "evacuation";
    public static readonly IReadOnlyList<string> All = [Normal, Lockdown, Evacuation];
}

/// <summary>A community gate: access control, security alarms, and the modes an emergency switches it to.</summary>
public sealed class GateRules : KindRules
{
    public const int DeniedBurstCount = 5;
    public static readonly TimeSpan DeniedBurstWindow = TimeSpan.FromSeconds(60);

    public static readonly GateRules Instance = new();

    public override KindSchema Schema { get; } = new(
        TwinKinds.Gate,
        [FieldSpec.Bool("locked"), FieldSpec.Bool("open")],
        [
            EventSpec.Of("access",
                FieldSpec.Choice("credential", ["card", "face", "app", "fingerprint", "qr"], required: true),
                FieldSpec.Text("subject", maxLength: 128),
                FieldSpec.Bool("granted", required: true)),
            EventSpec.Of("forced_open"),
            EventSpec.Of("held_open", FieldSpec.Number("seconds", min: 0, required: true)),
            EventSpec.Of("tailgating"),
        ],
        [
            CommandSpec.ForTwin("set_mode", "normal; lockdown (locked, closed); evacuation (unlocked and open).",
                FieldSpec.Choice("mode", GateModes.All, required: true)),
            CommandSpec.ForDevice("open", "Open the gate once."),
        ]);

    public override ImmutableDictionary<string, FieldValue> InitialSettings => Fields.Of(("mode", GateModes.Normal));

    /// <summary>What the gate reports once it has taken up a mode.</summary>
    public static ImmutableDictionary<string, FieldValue> ReportedIn(string mode) => mode switch
    {
        GateModes.Evacuation => Fields.Of(("locked", false), ("open", true)),
        GateModes.Lockdown => Fields.Of(("locked", true), ("open", false)),
        _ => Fields.Empty,
    };

    /// <summary>
    /// Keeps the denials within 60 s of the newest one — a late-delivered denial stamped earlier counts only with
    /// denials near it — and says whether they make a burst (then all of them fit in one 60 s window).
    /// </summary>
    public static (ImmutableList<DateTimeOffset> Denials, bool Burst) RecordDenial(ImmutableList<DateTimeOffset> denials, DateTimeOffset at)
    {
        var all = denials.Add(at);
        var newest = all.Max();
        var recent = all.RemoveAll(t => newest - t > DeniedBurstWindow).Sort();
        return (recent, recent.Count >= DeniedBurstCount && recent.Contains(at));
    }

    public override ImmutableDictionary<string, FieldValue> ConfirmationOf(string command, ImmutableDictionary<string, FieldValue> args) =>
        command == "set_mode" ? ReportedIn(args.GetText("mode") ?? GateModes.Normal) : Fields.Empty;

    public override IReadOnlyList<Effect> OnTwinCommand(TwinState twin, string command, ImmutableDictionary<string, FieldValue> args, DateTimeOffset now)
    {
        if (command != "set_mode")
            return Effects.None;
        var mode = args.GetText("mode")!;
        return [new ChangeSetting("mode", mode), new IssueCommand("set_mode", args, $"gate to {mode}", ReportedIn(mode))];
    }

    public override IReadOnlyList<Effect> OnTelemetry(TwinState twin, DateTimeOffset now) =>
        twin.Reported.GetBool("open") == false && twin.HasAlarm("held_open") ? [new ClearAlarm("held_open")] : Effects.None;

    public override IReadOnlyList<Effect> OnEvent(TwinState twin, DeviceMessage message, DateTimeOffset now)
    {
        switch (message.EventType)
        {
            case "access" when message.Fields.GetBool("granted") == false:
                var memory = twin.Memory as GateMemory ?? GateMemory.Empty;
                var (denials, burst) = RecordDenial(memory.Denials, message.Timestamp ?? now);
                Effect remember = new Remember(memory with { Denials = denials });
                return burst
                    ? [remember, .. RaiseOnce(twin, "access_denied_burst", TwinStatus.Alarm, $"{denials.Count} denied accesses within 60 s")]
                    : [remember];
            case "forced_open":
                return RaiseOnce(twin, "forced_open", TwinStatus.Alarm, "gate forced open");
            case "held_open":
                return [new RaiseAlarm("held_open", TwinStatus.Warning, $"gate held open for {message.Fields.GetNumber("seconds")} s")];
            case "tailgating":
                return RaiseOnce(twin, "tailgating", TwinStatus.Warning, "tailgating detected");
            default:
                return Effects.None;
        }
    }
}

[GenerateSerializer, Immutable, Alias("twin.gate-memory")]
public sealed record GateMemory([property: Id(0)] ImmutableList<DateTimeOffset> Denials) : KindMemory
{
    public static readonly GateMemory Empty = new(ImmutableList<DateTimeOffset>.Empty);
}
