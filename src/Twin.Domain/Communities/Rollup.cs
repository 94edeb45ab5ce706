using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.Communities;

/// <summary>Counting twins by kind and status: the arithmetic the building and community rollups share.</summary>
public static class Rollup
{
    public static ImmutableDictionary<string, ImmutableDictionary<string, int>> CountByKindAndStatus(IEnumerable<TwinSummary> twins) =>
        twins.GroupBy(t => t.Kind).ToImmutableDictionary(
            byKind => byKind.Key,
            byKind => byKind.GroupBy(t => t.Status).ToImmutableDictionary(byStatus => byStatus.Key, byStatus => byStatus.Count()));

    public static int ActiveAlarms(IEnumerable<TwinSummary> twins) => twins.Sum(t => t.Alarms.Length);

    public static bool Matches(this TwinSummary twin, TwinQuery query) =>
        (query.Kind is null || twin.Kind == query.Kind)
        && (query.Building is null || twin.IsIn(query.Building))
        && (query.Status is null || twin.Status == query.Status);
}
