using System.Collections.Immutable;
using Twin.Schema;
using Twin.Twins;

namespace Twin.Lamps;

public static class LampModes
{
    public const string Auto = "auto";
    public const string Emergency = "emergency";
    public static readonly IReadOnlyList<string> All = [Auto, Emergency];
}

/// <summary>A street lamp: dims by daylight, brightens for motion, holds full light in an emergency.</summary>
public sealed class LampRules : KindRules
{
    public const double DaylightLux = 50;
    public const int Off = 0, Dimmed = 30, Full = 100;

    public static readonly LampRules Instance = new();

    public override KindSchema Schema { get; } = new(
        TwinKinds.Lamp,
        [
            FieldSpec.Bool("on"),
            FieldSpec.Integer("brightness", 0, 100),
            FieldSpec.Number("lux", min: 0),
            FieldSpec.Bool("motion"),
            FieldSpec.Number("powerW", min: 0),
        ],
        [EventSpec.Of("fault", FieldSpec.Text("code", required: true, maxLength: 64)), EventSpec.Of("recovered")],
        [
            CommandSpec.ForTwin("set_mode", "auto follows daylight and motion; emergency holds 100 % until released.",
                FieldSpec.Choice("mode", LampModes.All, required: true)),
            CommandSpec.ForDevice("set_brightness", "Set the brightness now (auto mode may change it at the next reading).",
                FieldSpec.Integer("brightness", 0, 100, required: true)),
        ]);

    public override ImmutableDictionary<string, FieldValue> InitialSettings => Fields.Of(("mode", LampModes.Auto));

    /// <summary>The brightness the lamp should have, or null while the twin does not yet know the light level.</summary>
    public static int? TargetBrightness(string mode, double? lux, bool? motion) => mode switch
    {
        LampModes.Emergency => Full,
        _ when lux is null => null,
        _ when lux >= DaylightLux => Off,
        _ => motion == true ? Full : Dimmed,
    };

    public static string Why(string mode, int target) => (mode, target) switch
    {
        (LampModes.Emergency, _) => "emergency mode holds full light",
        (_, Off) => "daylight: lux at or above 50",
        (_, Full) => "dark and motion detected",
        _ => "dark, no motion",
    };

    public override IReadOnlyList<Effect> OnTelemetry(TwinState twin, DateTimeOffset now) => Steer(twin, twin.Setting("mode") ?? LampModes.Auto);

    public override IReadOnlyList<Effect> OnTwinCommand(TwinState twin, string command, ImmutableDictionary<string, FieldValue> args, DateTimeOffset now)
    {
        if (command != "set_mode")
            return Effects.None;
        var mode = args.GetText("mode")!;
        return [new ChangeSetting("mode", mode), .. Steer(twin, mode)];
    }

    /// <summary>
    /// Sends <c>set_brightness</c> when the target differs from what is reported and is not already on its way; when the
    /// lamp already shows the target, a command still asking for another level is withdrawn.
    /// </summary>
    static IReadOnlyList<Effect> Steer(TwinState twin, string mode)
    {
        var target = TargetBrightness(mode, twin.Reported.GetNumber("lux"), twin.Reported.GetBool("motion"));
        if (target is not { } brightness)
            return Effects.None;
        var pending = twin.Pending.FirstOrDefault(p => p.Command == "set_brightness");
        if (twin.Reported.GetNumber("brightness") == brightness)
            return pending is null ? Effects.None : [new WithdrawCommand("set_brightness", $"the lamp already shows {brightness} %: {Why(mode, brightness)}")];
        if (pending?.Args.GetNumber("brightness") == brightness)
            return Effects.None;
        var args = Fields.Of(("brightness", (double)brightness));
        return [new IssueCommand("set_brightness", args, Why(mode, brightness), args)];
    }

    public override ImmutableDictionary<string, FieldValue> ConfirmationOf(string command, ImmutableDictionary<string, FieldValue> args) =>
        command == "set_brightness" ? args : Fields.Empty;

    public override IReadOnlyList<Effect> OnEvent(TwinState twin, DeviceMessage message, DateTimeOffset now) => message.EventType switch
    {
        "fault" => RaiseOnce(twin, "fault", TwinStatus.Fault, $"lamp reports fault {message.Fields.GetText("code")}",
            HasOpenWorkOrder(twin, "fault") ? [] : [new OpenWorkOrder("fault", $"Repair lamp {twin.Id}: fault {message.Fields.GetText("code")}")]),
        "recovered" => [new ClearAlarm("fault")],
        _ => Effects.None,
    };
}
