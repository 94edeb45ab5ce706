using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.Communities;

/// <summary>
/// A community's twins as the rollups know them, by kind, with the counts the overview shows (by kind and status,
/// active alarms, households and occupied ones) kept up to date as each twin reports, so neither the overview nor a
/// list by kind scans every twin of a large community.
/// </summary>
public sealed class TwinIndex
{
    readonly Dictionary<string, Dictionary<string, TwinSummary>> byKind = new(StringComparer.Ordinal);
    readonly Dictionary<(string Kind, string Status), int> counts = [];

    public int Count { get; private set; }

    public int ActiveAlarms { get; private set; }

    public int Households { get; private set; }

    public int OccupiedHouseholds { get; private set; }

    /// <summary>Takes a twin's summary, unless the index already holds a newer version of it.</summary>
    public void Update(TwinSummary twin)
    {
        if (!byKind.TryGetValue(twin.Kind, out var ofKind))
            byKind[twin.Kind] = ofKind = new Dictionary<string, TwinSummary>(StringComparer.Ordinal);
        if (ofKind.TryGetValue(twin.Id, out var known))
        {
            if (known.Version > twin.Version)
                return;
            Tally(known, -1);
        }
        ofKind[twin.Id] = twin;
        Tally(twin, +1);
    }

    /// <summary>Whether the index holds the twin at <c>kind/id</c>.</summary>
    public bool Contains(string address)
    {
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && byKind.TryGetValue(address[..slash], out var ofKind) && ofKind.ContainsKey(address[(slash + 1)..]);
    }

    /// <summary>The twins a query asks for, in no particular order; with a kind, only that kind's twins are looked at.</summary>
    public IEnumerable<TwinSummary> Matching(TwinQuery query)
    {
        var candidates = query.Kind is null
            ? byKind.Values.SelectMany(ofKind => ofKind.Values)
            : byKind.TryGetValue(query.Kind, out var ofKind) ? ofKind.Values : [];
        return candidates.Where(t => t.Matches(query));
    }

    public ImmutableDictionary<string, ImmutableDictionary<string, int>> CountByKindAndStatus() =>
        counts.Where(c => c.Value > 0).GroupBy(c => c.Key.Kind).ToImmutableDictionary(
            byKindCounts => byKindCounts.Key,
            byKindCounts => byKindCounts.ToImmutableDictionary(c => c.Key.Status, c => c.Value));

    void Tally(TwinSummary twin, int sign)
    {
        Count += sign;
        counts[(twin.Kind, twin.Status)] = counts.GetValueOrDefault((twin.Kind, twin.Status)) + sign;
        ActiveAlarms += sign * twin.Alarms.Length;
        if (twin.Kind != TwinKinds.Household)
            return;
        Households += sign;
        if (twin.Occupied == true)
            OccupiedHouseholds += sign;
    }
}
