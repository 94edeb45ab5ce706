using Twin.Bins;
using Twin.Buildings;
using Twin.Cameras;
using Twin.Gates;
using Twin.Households;
using Twin.Lamps;

namespace Twin.Twins;

/// <summary>Every kind of physical twin. Ingestion, validation, the API and the rollups look kinds up here.</summary>
public static class KindRegistry
{
    static readonly Dictionary<string, KindRules> Kinds = new KindRules[]
    {
        BuildingRules.Instance, GateRules.Instance, LampRules.Instance, BinRules.Instance, CameraRules.Instance, HouseholdRules.Instance,
    }.ToDictionary(k => k.Kind);

    public static IEnumerable<KindRules> All => Kinds.Values;

    public static KindRules? Find(string kind) => Kinds.GetValueOrDefault(kind);

    public static KindRules Get(string kind) => Kinds.TryGetValue(kind, out var rules) ? rules : throw new ArgumentException($"No twin kind '{kind}'.", nameof(kind));
}
