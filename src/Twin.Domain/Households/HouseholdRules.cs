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

    /// <summary>A household with vulnerable residents is watched for silence; one that stops having them is no longer watched.</summary>
    public override IReadOnlyList<Effect> OnProvisioned(TwinState? before, TwinState twin) =>
        Care.WelfareRules.IsVulnerable(twin.Members) || (before is not null && Care.WelfareRules.IsVulnerable(before.Members))
            ? [new WatchWelfare()]
            : Effects.None;

    /// <summary>A change of <c>occupied</c> is a sign of life; the first report only sets where it starts from.</summary>
    public override IReadOnlyList<Effect> OnTelemetry(TwinState twin, DateTimeOffset now)
    {
        if (twin.Reported.GetBool("occupied") is not { } occupied)
            return Effects.None;
        var memory = twin.Memory as HouseholdMemory ?? HouseholdMemory.Empty;
        if (memory.Occupied == occupied)
            return Effects.None;
        Effect remember = new Remember(memory with { Occupied = occupied });
        return memory.Occupied is null
            ? [remember]
            : [remember, new ShowedActivity($"occupied: {(occupied ? "someone came home" : "everyone went out")}", ClosesWelfareCheck: true)];
    }

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
                    ? [record, tell, new ShowedActivity("checked in: needs help", ClosesWelfareCheck: false),
                        .. RaiseOnce(twin, "need_help", TwinStatus.Alarm, "household checked in: needs help")]
                    : [record, tell, new ShowedActivity("checked in: safe", ClosesWelfareCheck: true), new ClearAlarm("need_help")];
            default:
                return Effects.None;
        }
    }
}

/// <summary>What a household remembers between reports: whether it was last occupied, to tell a change.</summary>
[GenerateSerializer, Immutable, Alias("twin.household-memory")]
public sealed record HouseholdMemory([property: Id(0)] bool? Occupied) : KindMemory
{
    public static readonly HouseholdMemory Empty = new((bool?)null);
}
