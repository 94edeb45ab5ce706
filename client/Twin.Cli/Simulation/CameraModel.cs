using System.Text.Json.Nodes;

namespace Twin.Cli.Simulation;

/// <summary>
/// A camera: online and recording, seeing people and vehicles now and then (detections that open no incident), and
/// recording on command. It must be heard from at least every <see cref="HeartbeatEvery"/>, whatever the rate.
/// </summary>
public sealed class CameraModel(SimDeviceSpec spec) : DeviceModel(spec)
{
    /// <summary>The silo marks a camera offline after 60 s without a message; the simulator sends each one at least this often.</summary>
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(20);

    public const double SmokeConfidence = 0.93;
    static readonly string[] Everyday = ["person", "person", "person", "vehicle"];

    public bool Recording { get; private set; } = true;

    /// <summary>The building the camera watches first, where its detections are.</summary>
    public string? Building => Spec.CoveredBuildings.Count > 0 ? Spec.CoveredBuildings[0] : null;

    public override SimMessage Next(SimContext context)
    {
        if (context.Chance(context.Scenario == Scenario.Night ? 0.03 : 0.1))
            return Event("detection", new JsonObject
            {
                ["class"] = context.Pick(Everyday),
                ["confidence"] = Math.Round(context.Between(0.55, 0.98), 2),
                ["zone"] = Zone("entrance"),
            });
        return Heartbeat();
    }

    public SimMessage Heartbeat() => Telemetry(new JsonObject { ["online"] = true, ["recording"] = Recording });

    /// <summary>The fire scenario: smoke, seen with a confidence that opens a fire incident.</summary>
    public SimMessage Smoke() => Event("detection", new JsonObject
    {
        ["class"] = "smoke",
        ["confidence"] = SmokeConfidence,
        ["zone"] = Zone("stairwell"),
    });

    public override CommandOutcome Apply(DeviceCommand command, SimContext context)
    {
        switch (command.Name)
        {
            case "start_recording":
            case "stop_recording":
                Recording = command.Name == "start_recording";
                return CommandOutcome.Done(new FollowUp(TimeSpan.FromMilliseconds(200), _ => Heartbeat()));
            case "bookmark":
                return CommandOutcome.Done();
            default:
                return base.Apply(command, context);
        }
    }

    string Zone(string where) => Truncate($"{Building ?? Id} {where}", 64);
}
