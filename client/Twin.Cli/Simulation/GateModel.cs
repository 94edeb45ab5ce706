using System.Text.Json.Nodes;

namespace Twin.Cli.Simulation;

/// <summary>
/// A community gate: locked and closed in normal mode, with residents badging through (granted <c>access</c> events);
/// it takes up the modes the twin sets (lockdown: locked and closed; evacuation: unlocked and open) and opens on command.
/// </summary>
public sealed class GateModel(SimDeviceSpec spec) : DeviceModel(spec)
{
    public const string Normal = "normal", Lockdown = "lockdown", Evacuation = "evacuation";
    static readonly string[] Modes = [Normal, Lockdown, Evacuation];
    static readonly string[] Credentials = ["card", "face", "app", "fingerprint", "qr"];
    static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(5);

    TimeSpan openUntil = TimeSpan.MinValue;

    public string Mode { get; private set; } = Normal;

    public override SimMessage Next(SimContext context)
    {
        if (Mode == Normal && context.Chance(context.Scenario == Scenario.Night ? 0.05 : 0.25))
            return Event("access", new JsonObject
            {
                ["credential"] = context.Pick(Credentials),
                ["subject"] = $"card-{context.Random.Next(0x10000):x4}",
                ["granted"] = true,
            });
        return State(context);
    }

    public override CommandOutcome Apply(DeviceCommand command, SimContext context)
    {
        switch (command.Name)
        {
            case "set_mode":
                var mode = command.Text("mode");
                if (mode is null || !Modes.Contains(mode))
                    return CommandOutcome.Refused($"set_mode needs \"mode\": {string.Join(", ", Modes)}");
                Mode = mode;
                openUntil = TimeSpan.MinValue;
                // The bolt and the motor take a moment; then the gate reports where it is.
                return CommandOutcome.Done(new FollowUp(context.Between(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1500)), State));
            case "open":
                if (Mode == Lockdown)
                    return CommandOutcome.Refused("the gate is in lockdown");
                openUntil = context.Elapsed + OpenFor;
                return CommandOutcome.Done(new FollowUp(TimeSpan.FromMilliseconds(500), State), new FollowUp(OpenFor + TimeSpan.FromSeconds(1), State));
            default:
                return base.Apply(command, context);
        }
    }

    SimMessage State(SimContext context)
    {
        var open = Mode switch
        {
            Evacuation => true,
            Lockdown => false,
            _ => context.Elapsed < openUntil,
        };
        return Telemetry(new JsonObject { ["locked"] = !open, ["open"] = open });
    }
}
