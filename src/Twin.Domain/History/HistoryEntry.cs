using System.Text.Json;

namespace Twin.History;

/// <summary>What a history row records: a device message the twin accepted, a change of the twin, or a step of an incident.</summary>
public enum HistoryKind { Telemetry, Event, Change, IncidentStep }

/// <summary>
/// One row of the append-only history. <see cref="Subject"/> is the twin's address (<c>lamp/L-01</c>,
/// <c>incident/inc-…</c>). A device message keeps its <see cref="Seq"/>: a redelivered copy has the same subject and
/// seq, and the store keeps only the first.
/// </summary>
public sealed record HistoryEntry(string Subject, HistoryKind Kind, ulong? Seq, DateTimeOffset At, DateTimeOffset? DeviceTime, string Body)
{
    public static HistoryEntry Change(string subject, DateTimeOffset at, object what) =>
        new(subject, HistoryKind.Change, null, at, null, JsonSerializer.Serialize(what, TwinJson.Options));
}

/// <summary>A stored row as the API shows it, newest first.</summary>
public sealed record HistoryRecord(DateTimeOffset At, HistoryKind Kind, ulong? Seq, DateTimeOffset? DeviceTime, string? Silo, JsonElement Body);

public sealed record HistoryQuery(string Subject, DateTimeOffset? From, DateTimeOffset? To, int Limit);

/// <summary>
/// Where history goes. <see cref="Enqueue"/> waits only while the write queue is full (back-pressure); the task it
/// returns completes once the entry is stored, so a caller that must not lose it (ingestion, before acknowledging)
/// can wait for that.
/// </summary>
public interface IHistoryLog
{
    ValueTask<Task> Enqueue(HistoryEntry entry, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<HistoryRecord>> Read(HistoryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// A twin's telemetry messages newer than its stored state, oldest first, with the payloads as the device sent them:
    /// those with a seq above <paramref name="afterSeq"/> (any seq when it is null), those without a seq accepted after
    /// <paramref name="afterTime"/>. A twin replays them on activation (telemetry it applied but had not yet stored).
    /// </summary>
    Task<IReadOnlyList<HistoryEntry>> ReadTelemetryAfter(string subject, ulong? afterSeq, DateTimeOffset afterTime, CancellationToken cancellationToken);

    /// <summary>What the store keeps, in a sentence the API returns with every page.</summary>
    string Retention { get; }
}
