using System.Text.Json.Nodes;

namespace Twin.Cli.Simulation;

/// <summary>
/// A waste bin: it fills slowly, each at its own pace, and once it has crossed about 90 % it is collected and reads about
/// 5 % again. Its temperature follows the air (kitchen waste a little warmer); its category comes from the topology.
/// </summary>
public sealed class BinModel : DeviceModel
{
    public const double CollectedAbove = 90;
    public const double EmptiedTo = 5;

    /// <summary>The categories the silo accepts (DESIGN §2); a topology category outside them is not reported.</summary>
    public static readonly IReadOnlyList<string> Categories = ["recyclable", "kitchen", "hazardous", "other"];

    readonly double percentPerSecond;
    readonly double warmth;
    TimeSpan? lastReading;

    public BinModel(SimDeviceSpec spec, Random random) : base(spec)
    {
        FillPercent = Math.Round(5 + 70 * random.NextDouble(), 1);
        // From empty to collection in roughly 12 to 45 minutes.
        percentPerSecond = 0.03 + 0.09 * random.NextDouble();
        warmth = spec.Category == "kitchen" ? 2 : random.NextDouble();
    }

    public double FillPercent { get; private set; }

    public override SimMessage Next(SimContext context)
    {
        if (FillPercent >= CollectedAbove)
            FillPercent = Math.Round(EmptiedTo + context.Between(-2, 2), 1);
        else if (lastReading is { } last && context.Elapsed > last)
            FillPercent = Math.Round(Math.Min(100, FillPercent + percentPerSecond * (context.Elapsed - last).TotalSeconds * context.Between(0.5, 1.5)), 1);
        lastReading = context.Elapsed;

        var temperature = Math.Clamp(DayCurve.AirTemperature(context.Clock) + warmth + context.Between(-0.5, 0.5), 10, 30);
        var fields = new JsonObject { ["fillPercent"] = FillPercent, ["temperatureC"] = Math.Round(temperature, 1) };
        if (Spec.Category is { } category && Categories.Contains(category))
            fields["category"] = category;
        return Telemetry(fields);
    }
}
