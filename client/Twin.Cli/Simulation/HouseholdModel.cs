using System.Text.Json.Nodes;

namespace Twin.Cli.Simulation;

/// <summary>
/// A household's sensors: occupancy that changes rarely, and the check-in panel: asked to check in, it answers within
/// a minute, <c>safe</c> or (about one household in ten) <c>need_help</c>; about one in seven never answers, so an
/// incident has households still unaccounted, as a real one does.
/// </summary>
public sealed class HouseholdModel : DeviceModel
{
    public const string Safe = "safe", NeedHelp = "need_help";

    public HouseholdModel(SimDeviceSpec spec, Random random) : base(spec)
    {
        Occupied = random.NextDouble() < 0.75;
        Answer = random.NextDouble() switch { < 0.1 => NeedHelp, < 0.25 => null, _ => Safe };
    }

    public bool Occupied { get; private set; }

    /// <summary>What this household answers when asked to check in; null when nobody answers.</summary>
    public string? Answer { get; }

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
        ? CommandOutcome.Done(new FollowUp(context.Between(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60)), _ => CheckIn()))
        : base.Apply(command, context);

    /// <summary>The check-in, or null from a household that does not answer.</summary>
    public SimMessage? CheckIn()
    {
        if (Answer is null)
            return null;
        CheckedIn = true;
        return Event("check_in", new JsonObject { ["status"] = Answer });
    }

    /// <summary>The check-in it would send, whether or not this household answers; for checking messages.</summary>
    public SimMessage CheckInAs(string status) => Event("check_in", new JsonObject { ["status"] = status });

    public SimMessage SmokeAlarm() => Event("smoke_alarm");
}
