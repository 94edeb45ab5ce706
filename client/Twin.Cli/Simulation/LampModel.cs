using System.Text.Json.Nodes;

namespace Twin.Cli.Simulation;

/// <summary>
/// A street lamp: its light sensor follows the <see cref="DayCurve"/>, its motion sensor fires now and then, and its
/// brightness is what the twin last commanded (until the first command, what auto mode would choose).
/// </summary>
public sealed class LampModel : DeviceModel
{
    public const double WattsAtFull = 60;
    static readonly string[] FaultCodes = ["driver_fault", "led_failure", "power_supply", "photocell"];

    // Some lamps stand under trees or next to walls and see less of the sky.
    readonly double shade;
    double lux;
    bool motion;
    bool measured;

    public LampModel(SimDeviceSpec spec, Random random) : base(spec) => shade = 0.6 + 0.4 * random.NextDouble();

    /// <summary>The brightness the lamp shows, or null before its first reading.</summary>
    public int? Brightness { get; private set; }

    public bool Faulted { get; private set; }

    /// <summary>What the silo's auto mode asks for (DESIGN §2): off in daylight; dark: 100 with motion, else 30.</summary>
    public static int AutoTarget(double lux, bool motion) => !DayCurve.IsDark(lux) ? 0 : motion ? 100 : 30;

    public static double PowerW(int brightness) => brightness == 0 ? 0 : Math.Round(2 + WattsAtFull * brightness / 100.0, 1);

    public override SimMessage Next(SimContext context)
    {
        var clouds = context.Between(0.8, 1.05);
        lux = Math.Round(DayCurve.Lux(context.Clock) * shade * clouds, 1);
        var dark = DayCurve.IsDark(lux);
        motion = context.Chance(!dark ? 0.25 : context.Scenario == Scenario.Night ? 0.2 : 0.12);
        measured = true;
        Brightness ??= AutoTarget(lux, motion);
        return Report();
    }

    public override CommandOutcome Apply(DeviceCommand command, SimContext context)
    {
        if (command.Name != "set_brightness")
            return base.Apply(command, context);
        if (command.Integer("brightness") is not { } brightness || brightness is < 0 or > 100)
            return CommandOutcome.Refused("set_brightness needs a whole number \"brightness\" from 0 to 100");
        Brightness = brightness;
        // The lamp reports its new state with the sensor values it already has (or takes a first reading).
        return CommandOutcome.Done(new FollowUp(TimeSpan.FromMilliseconds(200), c => measured ? Report() : Next(c)));
    }

    /// <summary>The lamp breaks: a <c>fault</c> event with a code.</summary>
    public SimMessage Fail(SimContext context)
    {
        Faulted = true;
        return Event("fault", new JsonObject { ["code"] = context.Pick(FaultCodes) });
    }

    public SimMessage Recover()
    {
        Faulted = false;
        return Event("recovered");
    }

    SimMessage Report()
    {
        var brightness = Brightness ?? 0;
        return Telemetry(new JsonObject
        {
            ["on"] = brightness > 0,
            ["brightness"] = brightness,
            ["lux"] = lux,
            ["motion"] = motion,
            ["powerW"] = PowerW(brightness),
        });
    }
}
