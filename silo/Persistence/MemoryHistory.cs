using System.Text.Json;
using Microsoft.Extensions.Options;
using Twin.History;
using Twin.Silo.Cluster;

namespace Twin.Silo.Persistence;

/// <summary>
/// Embedded mode's history: the newest entries of the whole community in a ring in memory. Bounded, so a silo that
/// runs for weeks does not grow; every page says how much it keeps.
/// </summary>
public sealed class MemoryHistory(IOptions<HistoryOptions> options, IOptions<SiloIdentity> identity) : IHistoryLog
{
    static readonly Task Stored = Task.CompletedTask;
    readonly HistoryEntry?[] ring = new HistoryEntry?[options.Value.MemoryWindow];
    readonly HashSet<(string, ulong)> messages = [];
    readonly Lock gate = new();
    long next;

    public string Retention => $"memory: only the newest {ring.Length} entries of the whole community since this silo started (set Twin:Postgres to keep all of it)";

    public ValueTask<Task> Enqueue(HistoryEntry entry, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (entry.Seq is { } seq && !messages.Add((entry.Subject, seq)))
                return ValueTask.FromResult(Stored);
            var slot = (int)(next++ % ring.Length);
            if (ring[slot] is { Seq: { } evictedSeq } evicted)
                messages.Remove((evicted.Subject, evictedSeq));
            ring[slot] = entry;
        }
        return ValueTask.FromResult(Stored);
    }

    public Task<IReadOnlyList<HistoryRecord>> Read(HistoryQuery query, CancellationToken cancellationToken)
    {
        var found = new List<HistoryEntry>();
        lock (gate)
        {
            for (var i = next - 1; i >= 0 && i >= next - ring.Length; i--)
            {
                var entry = ring[(int)(i % ring.Length)]!;
                if (entry.Subject == query.Subject && (query.From is null || entry.At >= query.From) && (query.To is null || entry.At < query.To))
                    found.Add(entry);
            }
        }
        IReadOnlyList<HistoryRecord> page = found
            .OrderByDescending(e => e.At)
            .Take(query.Limit)
            .Select(e => new HistoryRecord(e.At, e.Kind, e.Seq, e.DeviceTime, identity.Value.SiloName, JsonDocument.Parse(e.Body).RootElement.Clone()))
            .ToList();
        return Task.FromResult(page);
    }

    /// <summary>What the window still holds: in embedded mode a twin's state and this history live and die together anyway.</summary>
    public Task<IReadOnlyList<HistoryEntry>> ReadTelemetryAfter(string subject, ulong? afterSeq, DateTimeOffset afterTime, CancellationToken cancellationToken)
    {
        var found = new List<HistoryEntry>();
        lock (gate)
        {
            for (var i = Math.Max(0, next - ring.Length); i < next; i++)
            {
                var entry = ring[(int)(i % ring.Length)]!;
                if (entry.Subject == subject && entry.Kind == HistoryKind.Telemetry
                    && (entry.Seq is { } seq ? afterSeq is null || seq > afterSeq : entry.At > afterTime))
                    found.Add(entry);
            }
        }
        return Task.FromResult<IReadOnlyList<HistoryEntry>>(found);
    }
}
