using System.Diagnostics.CodeAnalysis;

namespace Twin;

/// <summary>The kinds of twin that exist. Physical kinds are registered with their rules in <see cref="Twins.KindRegistry"/>.</summary>
public static class TwinKinds
{
    public const string Community = "community";
    public const string Building = "building";
    public const string Gate = "gate";
    public const string Lamp = "lamp";
    public const string Bin = "bin";
    public const string Camera = "camera";
    public const string Household = "household";
    public const string Incident = "incident";
    public const string WorkOrder = "workorder";

    // The physical kinds are the registered ones: a new kind is known once it is in the registry.
    static readonly HashSet<string> All = [Community, Incident, WorkOrder, .. Twins.KindRegistry.All.Select(k => k.Kind)];

    /// <summary>The registered kind equal to <paramref name="kind"/>: the one shared string, not a copy per parsed address.</summary>
    public static bool TryGetKnown(string kind, [NotNullWhen(true)] out string? known) => All.TryGetValue(kind, out known);
}
