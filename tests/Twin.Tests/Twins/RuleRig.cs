using System.Collections.Immutable;
using Twin.Schema;
using Twin.Twins;

namespace Twin.Tests.Twins;

/// <summary>
/// Drives a kind's pure rules through a sequence of messages the way the twin grain does: telemetry is merged into
/// <c>Reported</c> (confirming pending commands it satisfies) before the rule runs, and the returned effects are
/// carried out on the state (alarms, settings, memory, pending commands, open work orders) so the next step sees them;
/// any message from the device ends an offline alarm.
/// Every step returns the effects the rule decided, which is what the tests look at.
/// </summary>
public sealed class RuleRig(KindRules rules, TwinState state)
{
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 20, 0, 0, TimeSpan.Zero);

    int commands, workOrders;

    public TwinState State { get; private set; } = state;

    public DateTimeOffset Now { get; set; } = T0;

    /// <summary>A provisioned twin of the rules' kind, with the kind's initial settings.</summary>
    public static RuleRig For(KindRules rules, string id = "T-01", string? building = "B1") =>
        new(rules, new TwinState
        {
            Kind = rules.Kind,
            Id = id,
            Community = "sunrise",
            Building = building,
            Provisioned = true,
            Settings = rules.InitialSettings,
        });

    public IReadOnlyList<Effect> Telemetry(params (string Name, FieldValue Value)[] fields)
    {
        State = TwinTransitions.MergeTelemetry(State, Fields.Of(fields), Now) ?? throw new InvalidOperationException("the rig's clock went backwards");
        State = State with { Pending = State.Pending.RemoveRange(TwinTransitions.ConfirmedByReport(State)) };
        return Heard(rules.OnTelemetry(State, Now));
    }

    public IReadOnlyList<Effect> Event(string type, params (string Name, FieldValue Value)[] fields) =>
        Event(DeviceMessage.Event(type, Fields.Of(fields)));

    public IReadOnlyList<Effect> Event(DeviceMessage message) => Heard(rules.OnEvent(State, message, Now));

    public IReadOnlyList<Effect> TwinCommand(string command, params (string Name, FieldValue Value)[] args) =>
        CarryOut(rules.OnTwinCommand(State, command, Fields.Of(args), Now));

    public IReadOnlyList<Effect> Tick(DateTimeOffset silentSince) => CarryOut(rules.OnTick(State, silentSince, Now));

    /// <summary>The work order this twin opened about <paramref name="topic"/> was finished.</summary>
    public void WorkOrderDone(string topic) =>
        State = State with { OpenWorkOrders = State.OpenWorkOrders.RemoveRange(State.OpenWorkOrders.Where(w => w.Value == topic).Select(w => w.Key)) };

    /// <summary>Any message from the device ends an offline alarm, as the grain does, before the rule's effects.</summary>
    IReadOnlyList<Effect> Heard(IReadOnlyList<Effect> effects)
    {
        State = TwinTransitions.Heard(State);
        return CarryOut(effects);
    }

    IReadOnlyList<Effect> CarryOut(IReadOnlyList<Effect> effects)
    {
        foreach (var effect in effects)
        {
            State = TwinTransitions.Apply(State, effect, Now, CommandTiming.Default, () => $"cmd-{++commands}", "rules");
            if (effect is OpenWorkOrder order)
                State = State with { OpenWorkOrders = State.OpenWorkOrders.SetItem($"wo-{++workOrders}", order.Topic) };
        }
        return effects;
    }
}

/// <summary>Reading an effect list the way a person would: which alarms, commands, work orders and incidents.</summary>
public static class EffectList
{
    public static IEnumerable<RaiseAlarm> Alarms(this IEnumerable<Effect> effects) => effects.OfType<RaiseAlarm>();

    public static IEnumerable<string> Cleared(this IEnumerable<Effect> effects) => effects.OfType<ClearAlarm>().Select(c => c.Code);

    public static IEnumerable<IssueCommand> Commands(this IEnumerable<Effect> effects) => effects.OfType<IssueCommand>();

    public static IEnumerable<string> WorkOrderTopics(this IEnumerable<Effect> effects) => effects.OfType<OpenWorkOrder>().Select(w => w.Topic);

    public static IEnumerable<string> IncidentTypes(this IEnumerable<Effect> effects) => effects.OfType<RaiseIncident>().Select(i => i.Type);

    /// <summary>Effects a person would notice: everything but the rules' private memory.</summary>
    public static IEnumerable<Effect> Visible(this IEnumerable<Effect> effects) => effects.Where(e => e is not Remember);

    public static ImmutableDictionary<string, FieldValue> Args(params (string Name, FieldValue Value)[] args) => Fields.Of(args);
}
