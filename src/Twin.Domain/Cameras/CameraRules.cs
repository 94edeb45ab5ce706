using System.Collections.Immutable;
using Twin.Schema;
using Twin.Twins;

namespace Twin.Cameras;

/// <summary>A camera: its detections open incidents; silence means it is offline.</summary>
public sealed class CameraRules : KindRules
{
    public const double FireConfidence = 0.8;
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(60);
    public static readonly IReadOnlyList<string> DetectionClasses = ["person", "vehicle", "smoke", "fire", "fall", "crowd", "intrusion"];

    public static readonly CameraRules Instance = new();

    public override KindSchema Schema { get; } = new(
        TwinKinds.Camera,
        [FieldSpec.Bool("online"), FieldSpec.Bool("recording")],
        [
            EventSpec.Of("detection",
                FieldSpec.Choice("class", DetectionClasses, required: true),
                FieldSpec.Number("confidence", 0, 1, required: true),
                FieldSpec.Text("zone", maxLength: 64)),
            EventSpec.Of("face_match", FieldSpec.Text("watchlist", required: true, maxLength: 64), FieldSpec.Text("subjectHash", required: true, maxLength: 128)),
            EventSpec.Of("tamper"),
        ],
        [
            CommandSpec.ForDevice("start_recording", "Start recording."),
            CommandSpec.ForDevice("stop_recording", "Stop recording."),
            CommandSpec.ForDevice("bookmark", "Mark this moment in the recording.", FieldSpec.Text("label", maxLength: 128)),
        ]);

    public static bool IsSilent(DateTimeOffset silentSince, DateTimeOffset now) => now - silentSince >= SilenceLimit;

    /// <summary>Which incident a detection opens, if any.</summary>
    public static string? IncidentFor(string detectionClass, double confidence) => detectionClass switch
    {
        "smoke" or "fire" when confidence >= FireConfidence => "fire",
        "intrusion" => "intrusion",
        "fall" => "medical",
        _ => null,
    };

    public override TimeSpan? TickEvery => TimeSpan.FromSeconds(5);

    public override IReadOnlyList<string> PersonalFields => ["lastFaceMatch"];

    public override IReadOnlyList<Effect> OnTick(TwinState twin, DateTimeOffset silentSince, DateTimeOffset now)
    {
        if (!IsSilent(silentSince, now))
            return Effects.None;
        return RaiseOnce(twin, "offline", TwinStatus.Offline, $"no message from the camera since {silentSince:u}",
            HasOpenWorkOrder(twin, "offline") ? [] : [new OpenWorkOrder("offline", $"Camera {twin.Id} is offline: check power and network")]);
    }

    public override ImmutableDictionary<string, FieldValue> ConfirmationOf(string command, ImmutableDictionary<string, FieldValue> args) =>
        command switch
        {
            "start_recording" => Fields.Of(("recording", true)),
            "stop_recording" => Fields.Of(("recording", false)),
            _ => Fields.Empty,
        };

    public override IReadOnlyList<Effect> OnEvent(TwinState twin, DeviceMessage message, DateTimeOffset now)
    {
        switch (message.EventType)
        {
            case "detection":
                var cls = message.Fields.GetText("class")!;
                var confidence = message.Fields.GetNumber("confidence")!.Value;
                var zone = message.Fields.GetText("zone");
                var where = zone is null ? $"camera {twin.Id}" : $"camera {twin.Id}, zone {zone}";
                return IncidentFor(cls, confidence) switch
                {
                    "fire" => Trigger(twin, "fire_detected", TwinStatus.Alarm, $"{cls} seen ({confidence:P0})", new RaiseIncident("fire", $"{cls} seen by {where} ({confidence:P0})")),
                    "intrusion" => Trigger(twin, "intrusion", TwinStatus.Alarm, "intrusion detected", new RaiseIncident("intrusion", $"intrusion seen by {where}")),
                    "medical" => Trigger(twin, "fall_detected", TwinStatus.Alarm, "a person fell", new RaiseIncident("medical", $"a fall seen by {where}")),
                    _ => Effects.None,
                };
            case "face_match":
                return [new RaiseAlarm("watchlist_match", TwinStatus.Warning, $"face matched watchlist {message.Fields.GetText("watchlist")}"),
                        new RecordReported("lastFaceMatch", message.Fields.GetText("subjectHash")!)];
            case "tamper":
                return RaiseOnce(twin, "tamper", TwinStatus.Alarm, "camera tampered with");
            default:
                return Effects.None;
        }
    }
}
