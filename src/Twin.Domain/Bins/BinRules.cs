using Twin.Schema;
using Twin.Twins;

namespace Twin.Bins;

/// <summary>A waste bin: asks for collection when full, raises a fire incident when it overheats.</summary>
public sealed class BinRules : KindRules
{
    public const double FullPercent = 80;
    public const double EmptiedBelowPercent = 20;
    public const double FireTemperatureC = 60;
    public static readonly IReadOnlyList<string> Categories = ["recyclable", "kitchen", "hazardous", "other"];

    public static readonly BinRules Instance = new();

    public override KindSchema Schema { get; } = new(
        TwinKinds.Bin,
        [
            FieldSpec.Number("fillPercent", 0, 100),
            FieldSpec.Number("temperatureC", -50, 1000),
            FieldSpec.Choice("category", Categories),
        ],
        [
            EventSpec.Of("missorted", FieldSpec.Choice("expected", Categories, required: true), FieldSpec.Choice("detected", Categories, required: true)),
            EventSpec.Of("tilted"),
        ],
        []);

    /// <summary>
    /// One collection per filling: requested when the fill reaches 80 %, and not again until it has dropped below 20 %
    /// (the bin was emptied). Returns whether to request now and the new requested flag.
    /// </summary>
    public static (bool RequestNow, bool Requested) Collection(double fillPercent, bool alreadyRequested) => fillPercent switch
    {
        >= FullPercent when !alreadyRequested => (true, true),
        < EmptiedBelowPercent => (false, false),
        _ => (false, alreadyRequested),
    };

    public static bool IsFireRisk(double temperatureC) => temperatureC >= FireTemperatureC;

    public override IReadOnlyList<Effect> OnTelemetry(TwinState twin, DateTimeOffset now)
    {
        var effects = new List<Effect>();
        var memory = twin.Memory as BinMemory ?? BinMemory.Empty;

        if (twin.Reported.GetNumber("fillPercent") is { } fill)
        {
            var (requestNow, requested) = Collection(fill, memory.CollectionRequested);
            if (requestNow)
            {
                effects.Add(new OpenWorkOrder("collection", $"Empty bin {twin.Id} ({twin.Profile.GetText("category") ?? "waste"}): {fill:0} % full"));
                effects.Add(new RaiseAlarm("full", TwinStatus.Warning, $"bin {fill:0} % full; collection requested"));
            }
            else if (!requested && memory.CollectionRequested)
                effects.Add(new ClearAlarm("full"));
            if (requested != memory.CollectionRequested)
                effects.Add(new Remember(memory with { CollectionRequested = requested }));
        }

        if (twin.Reported.GetNumber("temperatureC") is { } temperature)
        {
            if (IsFireRisk(temperature))
                effects.AddRange(RaiseOnce(twin, "overheat", TwinStatus.Alarm, $"bin at {temperature:0.#} °C",
                    new RaiseIncident("fire", $"bin {twin.Id} at {temperature:0.#} °C")));
            else if (twin.HasAlarm("overheat"))
                effects.Add(new ClearAlarm("overheat"));
        }
        return effects;
    }

    public override IReadOnlyList<Effect> OnEvent(TwinState twin, DeviceMessage message, DateTimeOffset now) => message.EventType switch
    {
        "missorted" when !HasOpenWorkOrder(twin, "missorted") =>
            [new OpenWorkOrder("missorted", $"Re-sort bin {twin.Id}: {message.Fields.GetText("detected")} waste in a {message.Fields.GetText("expected")} bin")],
        "tilted" => RaiseOnce(twin, "tilted", TwinStatus.Warning, "bin tilted or knocked over"),
        _ => Effects.None,
    };
}

[GenerateSerializer, Immutable, Alias("twin.bin-memory")]
public sealed record BinMemory([property: Id(0)] bool CollectionRequested) : KindMemory
{
    public static readonly BinMemory Empty = new(false);
}
