using Twin.Schema;
using Twin.Twins;

namespace Twin.Buildings;

/// <summary>A building: the aggregate of its members, and its fire alarm panel.</summary>
public sealed class BuildingRules : KindRules
{
    public static readonly BuildingRules Instance = new();

    public override KindSchema Schema { get; } = new(
        TwinKinds.Building,
        [],
        [EventSpec.Of("fire_alarm_panel", FieldSpec.Text("zone", maxLength: 64))],
        []);

    public override IReadOnlyList<Effect> OnEvent(TwinState twin, DeviceMessage message, DateTimeOffset now)
    {
        if (message.EventType != "fire_alarm_panel")
            return Effects.None;
        var zone = message.Fields.GetText("zone");
        var where = zone is null ? $"building {twin.Id}" : $"building {twin.Id}, zone {zone}";
        return Trigger(twin, "fire_panel", TwinStatus.Alarm, $"fire alarm panel: {zone ?? "building"}", new RaiseIncident("fire", $"fire alarm panel, {where}"));
    }
}
