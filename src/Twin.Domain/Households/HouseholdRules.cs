using Twin.Schema;
using Twin.Twins;

namespace Twin.Households;

/// <summary>A household's sensors: smoke, gas, water, the panic button, health alerts and check-ins.</summary>
public sealed class HouseholdRules : KindRules
{
    public static readonly HouseholdRules Instance = new();

    public override KindSchema Schema { get; } = new(
        TwinKinds.Household,
        [FieldSpec.Bool("occupied")],
        [
            EventSpec.Of("smoke_alarm"),
            EventSpec.Of("gas_alarm"),
            EventSpec.Of("water_leak"),
            EventSpec.Of("panic_button"),
            EventSpec.Of("health_alert", FieldSpec.Choice("kind", ["fall", "heart_rate"], required: true), FieldSpec.Number("value", min: 0)),
            EventSpec.Of("check_in", FieldSpec.Choice("status", ["safe", "need_help"], required: true)),
        ],
        [CommandSpec.ForDevice("request_check_in", "Ask the household to check in (safe / need help).", FieldSpec.Text("message", maxLength: 256))]);

    public override IReadOnlyList<Effect> OnEvent(TwinState twin, DeviceMessage message, DateTimeOffset now)
    {
        var place = $"household {twin.Id}";
        switch (message.EventType)
        {
            case "smoke_alarm":
                return Trigger(twin, "smoke", TwinStatus.Alarm, "smoke alarm", new RaiseIncident("fire", $"smoke alarm, {place}"));
            case "gas_alarm":
                return Trigger(twin, "gas", TwinStatus.Alarm, "gas alarm", new RaiseIncident("gas_leak", $"gas alarm, {place}"));
            case "panic_button":
                return Trigger(twin, "panic", TwinStatus.Alarm, "panic button pressed", new RaiseIncident("medical", $"panic button, {place}"));
            case "health_alert":
                var kind = message.Fields.GetText("kind");
                var value = message.Fields.GetNumber("value");
                var what = value is null ? kind : $"{kind} {value}";
                return Trigger(twin, "health_alert", TwinStatus.Alarm, $"health alert: {what}", new RaiseIncident("medical", $"health alert ({what}), {place}"));
            case "water_leak":
                return RaiseOnce(twin, "water_leak", TwinStatus.Warning, "water leak",
                    HasOpenWorkOrder(twin, "water_leak") ? [] : [new OpenWorkOrder("water_leak", $"Water leak in {place}")]);
            case "check_in":
                var status = message.Fields.GetText("status")!;
                Effect record = new RecordReported("checkIn", status), tell = new CheckedIn(status);
                return status == "need_help"
                    ? [record, tell, .. RaiseOnce(twin, "need_help", TwinStatus.Alarm, "household checked in: needs help")]
                    : [record, tell, new ClearAlarm("need_help")];
            default:
                return Effects.None;
        }
    }
}
