using System.Text.Json.Nodes;

namespace Twin.Cli.Simulation;

/// <summary>
/// A household's sensors: occupancy that changes rarely, and the check-in panel: asked to check in, it answers a few
/// seconds later, <c>safe</c> or (for about one household in ten) <c>need_help</c>.
/// </summary>
public sealed class HouseholdModel : DeviceModel
{
    public const string Safe = "safe", NeedHelp = "need_help";

    public HouseholdModel(SimDeviceSpec spec, Random random) : base(spec)
    {
        Occupied = random.NextDouble() < 0.75;
        Answer = random.NextDouble() < 0.1 ? NeedHelp : Safe;
    }

    public bool Occupied { get; private set; }

    /// <summary>What this household answers when asked to check in.</summary>
    public string Answer { get; }

    /// <summary>Whether it has checked in since the simulator started.</summary>
    public bool CheckedIn { get; private set; }

    public string? Building => Spec.Building;

    public override SimMessage Next(SimContext context)
    {
        if (context.Chance(context.Scenario == Scenario.Night ? 0.005 : 0.03))
            Occupied = !Occupied;
        return Telemetry(new JsonObject { ["occupied"] = Occupied });
    }

    public override CommandOutcome Apply(DeviceCommand command, SimContext context) => command.Name == "request_check_in"
        ? CommandOutcome.Done(new FollowUp(context.Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6)), _ => CheckIn()))
        : base.Apply(command, context);

    public SimMessage CheckIn()
    {
        CheckedIn = true;
        return Event("check_in", new JsonObject { ["status"] = Answer });
    }

    public SimMessage SmokeAlarm() => Event("smoke_alarm");
}
