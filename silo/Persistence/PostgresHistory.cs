using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Twin.History;
using Twin.Silo.Cluster;

namespace Twin.Silo.Persistence;

/// <summary>
/// Durable history: entries wait in a bounded queue and one writer stores them in batches with binary COPY, off the
/// path that applies messages. A batch that fails is retried (and counted) until it is stored; nothing is dropped.
/// Redelivered device messages are kept once: the batch is copied into a staging table and inserted with
/// <c>ON CONFLICT DO NOTHING</c> on (subject, seq). On shutdown the queue is flushed before the silo exits.
/// </summary>
public sealed class PostgresHistory : BackgroundService, IHistoryLog
{
    const string Columns = "subject, kind, seq, at, device_time, silo, body";

    /// <summary>
    /// Twins activating together (a silo starting, a dead silo's twins moving) each read their telemetry to replay: a few
    /// connections at a time do that quickly, and leave the pool to Orleans' storage, which those activations also need.
    /// </summary>
    const int ReplayReaders = 4;

    readonly NpgsqlDataSource database;
    readonly DatabaseHealth health;
    readonly HistoryMetrics metrics;
    readonly ILogger<PostgresHistory> logger;
    readonly HistoryOptions options;
    readonly string silo;
    readonly Channel<Pending> queue;
    readonly CancellationTokenSource shutdownDeadline = new();
    readonly SemaphoreSlim replayReaders = new(ReplayReaders);
    NpgsqlConnection? connection;

    public PostgresHistory(NpgsqlDataSource database, DatabaseHealth health, HistoryMetrics metrics, IOptions<HistoryOptions> options,
        IOptions<SiloIdentity> identity, ILogger<PostgresHistory> logger)
    {
        this.database = database;
        this.health = health;
        this.metrics = metrics;
        this.logger = logger;
        this.options = options.Value;
        silo = identity.Value.SiloName;
        queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(this.options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public string Retention => "postgresql: every entry, kept until deleted";

    public async ValueTask<Task> Enqueue(HistoryEntry entry, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            metrics.QueueFull();
            await queue.Writer.WriteAsync(pending, cancellationToken);
        }
        metrics.Queued();
        return pending.Stored.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(options.MaxBatch);
        // Ends when StopAsync completes the queue and everything in it has been written (or the host gave up waiting).
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < options.MaxBatch && queue.Reader.TryRead(out var next))
                batch.Add(next);
            await WriteUntilStored(batch);
            batch.Clear();
        }
    }

    async Task WriteUntilStored(List<Pending> batch)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var mayBeStale = connection is not null;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var inserted = await Write(batch);
                metrics.Flushed(batch.Count, inserted, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                health.Succeeded();
                foreach (var pending in batch)
                    pending.Stored.TrySetResult();
                return;
            }
            catch (PostgresException e) when (IsRefusedData(e))
            {
                // A row the database refuses as data (JSON with \u0000, say) must not hold up the others.
                var inserted = await WriteRowByRow(batch);
                metrics.Flushed(batch.Count, inserted, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                foreach (var pending in batch)
                    pending.Stored.TrySetResult();
                return;
            }
            catch (Exception) when (mayBeStale)
            {
                // The writer's connection may date from before a database restart and fail once although the
                // database is back: a fresh connection decides whether the database is really away.
                mayBeStale = false;
                await DropConnection();
            }
            catch (Exception e)
            {
                metrics.WriteFailed();
                health.Failed(e);
                Log.HistoryWriteFailed(logger, batch.Count, e.Message);
                await DropConnection();
                if (shutdownDeadline.IsCancellationRequested)
                {
                    // The host will not wait longer. Whoever waited for these is told, so device messages stay unacknowledged and come again.
                    Log.HistoryAbandoned(logger, batch.Count + queue.Reader.Count);
                    Abandon(batch, e);
                    while (queue.Reader.TryRead(out var rest))
                        Abandon([rest], e);
                    return;
                }
                try
                {
                    await Task.Delay(delay, shutdownDeadline.Token);
                }
                catch (OperationCanceledException)
                {
                }
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    static bool IsRefusedData(PostgresException e) => e.SqlState.StartsWith("22", StringComparison.Ordinal);

    async Task<int> WriteRowByRow(List<Pending> batch)
    {
        var inserted = 0;
        foreach (var pending in batch)
        {
            try
            {
                inserted += await Write([pending]);
            }
            catch (PostgresException e) when (IsRefusedData(e))
            {
                Log.HistoryRowRefused(logger, pending.Entry.Subject, e.MessageText);
                var kept = pending.Entry with
                {
                    Body = JsonSerializer.Serialize(new { refused = e.MessageText, bodyBase64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pending.Entry.Body)) }),
                };
                inserted += await Write([pending with { Entry = kept }]);
            }
        }
        return inserted;
    }

    void Abandon(List<Pending> batch, Exception why)
    {
        metrics.Abandoned(batch.Count);
        foreach (var pending in batch)
            pending.Stored.TrySetException(why);
    }

    /// <summary>Copies the batch into a per-connection staging table, then moves it across, skipping messages already held.</summary>
    async Task<int> Write(List<Pending> batch)
    {
        connection ??= await OpenWriterConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var importer = await connection.BeginBinaryImportAsync($"COPY history_incoming ({Columns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (entry, _) in batch)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(entry.Subject, NpgsqlDbType.Text);
                await importer.WriteAsync(WireNames.Of(entry.Kind), NpgsqlDbType.Text);
                if (entry.Seq is { } seq)
                    await importer.WriteAsync((long)seq, NpgsqlDbType.Bigint);
                else
                    await importer.WriteNullAsync();
                await importer.WriteAsync(entry.At.UtcDateTime, NpgsqlDbType.TimestampTz);
                if (entry.DeviceTime is { } deviceTime)
                    await importer.WriteAsync(deviceTime.UtcDateTime, NpgsqlDbType.TimestampTz);
                else
                    await importer.WriteNullAsync();
                await importer.WriteAsync(silo, NpgsqlDbType.Text);
                await importer.WriteAsync(entry.Body, NpgsqlDbType.Jsonb);
            }
            await importer.CompleteAsync();
        }
        await using var move = new NpgsqlCommand(
            $"INSERT INTO twin_history ({Columns}) SELECT {Columns} FROM history_incoming ON CONFLICT (subject, seq) WHERE seq IS NOT NULL DO NOTHING",
            connection, transaction);
        var inserted = await move.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return inserted;
    }

    /// <summary>The writer keeps one connection of its own, so its staging table is created once, not per batch.</summary>
    async Task<NpgsqlConnection> OpenWriterConnection()
    {
        var opened = await database.OpenConnectionAsync();
        await using var create = new NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS history_incoming (subject text, kind text, seq bigint, at timestamptz, device_time timestamptz, silo text, body jsonb) ON COMMIT DELETE ROWS",
            opened);
        await create.ExecuteNonQueryAsync();
        return opened;
    }

    async Task DropConnection()
    {
        if (connection is null)
            return;
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // It is broken anyway; a new one is opened for the retry.
        }
        connection = null;
    }

    public async Task<IReadOnlyList<HistoryRecord>> Read(HistoryQuery query, CancellationToken cancellationToken)
    {
        var sql = "SELECT at, kind, seq, device_time, silo, body::text FROM twin_history WHERE subject = @subject"
            + (query.From is null ? "" : " AND at >= @from")
            + (query.To is null ? "" : " AND at < @to")
            + " ORDER BY at DESC, id DESC LIMIT @limit";
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("subject", query.Subject);
        if (query.From is { } from)
            command.Parameters.AddWithValue("from", from.UtcDateTime);
        if (query.To is { } to)
            command.Parameters.AddWithValue("to", to.UtcDateTime);
        command.Parameters.AddWithValue("limit", query.Limit);
        var records = new List<HistoryRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!WireNames.TryParse<HistoryKind>(reader.GetString(1), out var kind))
                continue;
            records.Add(new HistoryRecord(
                new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero),
                kind,
                reader.IsDBNull(2) ? null : (ulong)reader.GetInt64(2),
                reader.IsDBNull(3) ? null : new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero),
                reader.GetString(4),
                JsonDocument.Parse(reader.GetString(5)).RootElement.Clone()));
        }
        return records;
    }

    /// <summary>
    /// Rows with a seq come through the (subject, seq) index, rows without one through (subject, at): a few index
    /// range scans, however long the history. In the order the twin applied them: by seq, then by when accepted.
    /// </summary>
    public async Task<IReadOnlyList<HistoryEntry>> ReadTelemetryAfter(string subject, ulong? afterSeq, DateTimeOffset afterTime, CancellationToken cancellationToken)
    {
        const string Row = "SELECT seq, at, device_time, body::text, id FROM twin_history WHERE subject = @subject AND kind = 'telemetry'";
        var sql = $"{Row} AND seq IS NOT NULL{(afterSeq is null ? "" : " AND seq > @afterSeq")}"
            + $" UNION ALL {Row} AND seq IS NULL AND at > @afterTime"
            + " ORDER BY seq NULLS LAST, at, id";
        await replayReaders.WaitAsync(cancellationToken);
        try
        {
            return await ReadTelemetry(sql, subject, afterSeq, afterTime, cancellationToken);
        }
        finally
        {
            replayReaders.Release();
        }
    }

    async Task<IReadOnlyList<HistoryEntry>> ReadTelemetry(string sql, string subject, ulong? afterSeq, DateTimeOffset afterTime, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("subject", subject);
        if (afterSeq is { } seq)
            command.Parameters.AddWithValue("afterSeq", (long)seq);
        command.Parameters.AddWithValue("afterTime", afterTime.UtcDateTime);
        var entries = new List<HistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(new HistoryEntry(
                subject,
                HistoryKind.Telemetry,
                reader.IsDBNull(0) ? null : (ulong)reader.GetInt64(0),
                new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
                reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
                Payload(reader.GetString(3))));
        return entries;
    }

    /// <summary>The device's payload of a stored body: one PostgreSQL refused as JSON is kept in base64 (see <see cref="WriteRowByRow"/>).</summary>
    static string Payload(string body)
    {
        if (!body.Contains("\"bodyBase64\"", StringComparison.Ordinal))
            return body;
        using var kept = JsonDocument.Parse(body);
        var root = kept.RootElement;
        return root.TryGetProperty("refused", out _) && root.TryGetProperty("bodyBase64", out var original) && root.EnumerateObject().Count() == 2
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(original.GetString()!))
            : body;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Everything queued so far is written before the silo exits; if the host stops waiting, the rest is abandoned loudly.
        queue.Writer.TryComplete();
        await using (cancellationToken.Register(shutdownDeadline.Cancel))
            await base.StopAsync(cancellationToken);
        await DropConnection();
    }

    public override void Dispose()
    {
        shutdownDeadline.Dispose();
        replayReaders.Dispose();
        base.Dispose();
    }

    sealed record Pending(HistoryEntry Entry, TaskCompletionSource Stored);
}
