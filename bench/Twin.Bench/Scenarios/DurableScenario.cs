using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Twin.Bench.Load;
using Twin.Bench.Processes;
using Twin.Bench.Reporting;
using Twin.History;
using Twin.Silo.Cluster;
using Twin.Silo.Persistence;

namespace Twin.Bench.Scenarios;

/// <summary>
/// Point 6: the throughput run again with PostgreSQL on (grain state, reminders, clustering and the history), then the
/// history writer alone: the silo's binary COPY against plain one-row INSERTs, on the same database in the same run.
/// </summary>
public static class DurableScenario
{
    public static async Task Measure(BenchContext context, Topology topology, Traffic traffic)
    {
        Report.Step($"durable: PostgreSQL 15 (fsync on), {topology.Twins:N0} twins");
        await using var postgres = await Postgres.Start(context.Workspace);
        var setup = new SiloSetup(topology.Path, Postgres: postgres.ConnectionString, Name: "silo-durable");
        var report = context.Report;
        {
            await using var silo = await SiloProcess.Start(setup, context.Workspace);
            report.Add("durable", $"start until ready ({topology.Twins:N0} twins provisioned and stored)", $"{silo.StartedIn.TotalSeconds:0.0} s");
            var historyBefore = await TelemetryRows(postgres);
            await using (var publisher = await LoadPublisher.Connect(silo.Broker, traffic))
            await using (var states = await MqttObserver.States(silo.Broker, traffic))
            {
                var runs = new List<RunResult>();
                for (var i = 0; i < context.Profile.Repetitions; i++)
                    runs.Add(await Runs.MaxRate(publisher, states.Watch, traffic.Devices.Count,
                        i == 0 ? context.Profile.Throughput.First : context.Profile.Throughput, context.Profile.Window, silo.Process));
                var rates = runs.Select(r => r.Rate).ToList();
                report.Add("durable", "through Twin, every message in the history, the state stored (plain telemetry within 30 s)", Format.Spread(rates, Format.Rate),
                    "≥ 10,000 msg/s", Format.Median(rates) >= 10_000);
                if (context.InMemoryTwinRate is { } memory)
                    report.Add("durable", "durable ÷ in memory (embedded broker)", Format.Ratio(Format.Median(rates) / memory));
                // What a device sees with the database on, once the twins are warm: paced at half the sustained maximum.
                var half = Format.Median(rates) / 2;
                var paced = (await Runs.AtRate(publisher, [states.Watch], traffic.Devices.Count, half, context.Profile.Latency, silo.Process))[0];
                runs.Add(paced);
                report.Add("durable", $"at 50 % ({Format.Rate(half)}; {Format.Rate(paced.Rate)} applied): publish → retained state, p50 / p99 / max",
                    $"{Format.Ms(paced.Latency.P50)} / {Format.Ms(paced.Latency.P99)} / {Format.Ms(paced.Latency.Max)}");
                var sent = runs.Sum(r => r.Sent);
                var rows = await WaitForRows(postgres, historyBefore + sent) - historyBefore;
                report.Add("durable", "history rows for the messages sent", $"{rows:N0} of {sent:N0}", "all", rows >= sent);
            }
            if (context.Profile.RestartCheck)
                await RestartCheck(context, silo, setup, traffic);
        }
        await HistoryWriters(context, postgres);
    }

    /// <summary>Stops the silo, starts it again, and compares a sample of twins with what their devices last sent.</summary>
    static async Task RestartCheck(BenchContext context, SiloProcess silo, SiloSetup setup, Traffic traffic)
    {
        var sample = Enumerable.Range(0, 50).Select(i => traffic.Devices[i * 97 % traffic.Devices.Count]).ToList();
        var before = new Dictionary<string, long?>();
        foreach (var device in sample)
            before[device.Address] = await LastSeq(silo.Api, device);
        await silo.Process.Stop(TimeSpan.FromSeconds(30));
        await using var again = await SiloProcess.Start(setup with { Name = "silo-durable-restarted" }, context.Workspace);
        var same = 0;
        foreach (var device in sample)
            if (await LastSeq(again.Api, device) == before[device.Address])
                same++;
        context.Report.Add("durable", $"after a restart, twins holding their last message's seq (a sample of {sample.Count})", $"{same} of {sample.Count}",
            "all", same == sample.Count);
        context.Report.Add("durable", "restart until ready", $"{again.StartedIn.TotalSeconds:0.0} s");
    }

    static async Task<long?> LastSeq(HttpClient api, Device device)
    {
        using var twin = JsonDocument.Parse(await api.GetStringAsync($"/api/twins/{device.Kind}/{device.Id}"));
        return twin.RootElement.TryGetProperty("lastSeq", out var seq) && seq.ValueKind == JsonValueKind.Number ? seq.GetInt64() : null;
    }

    static async Task<long> TelemetryRows(Postgres postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM twin_history WHERE kind = 'telemetry'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    static async Task<long> WaitForRows(Postgres postgres, long expected)
    {
        var waited = Stopwatch.StartNew();
        long rows;
        while ((rows = await TelemetryRows(postgres)) < expected && waited.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(250);
        return rows;
    }

    /// <summary>The silo's history writer (batched binary COPY) against plain INSERTs, one row per statement, same rows, same database.</summary>
    static async Task HistoryWriters(BenchContext context, Postgres postgres)
    {
        var rows = context.Profile.Name == "quick" ? 50_000 : 200_000;
        Report.Step($"durable: history writer, {rows:N0} rows by COPY, then plain INSERTs for as long");
        await using var data = NpgsqlDataSource.Create(postgres.ConnectionString);
        var copyRates = new List<double>();
        var insertRates = new List<double>();
        for (var run = 0; run < context.Profile.Repetitions; run++)
        {
            var entries = Entries($"copy{run}", rows);
            var copy = await Copy(data, entries);
            copyRates.Add(rows / copy.TotalSeconds);
            var inserted = await Insert(data, Entries($"insert{run}", rows), copy + TimeSpan.FromSeconds(2));
            insertRates.Add(inserted.Rows / inserted.Elapsed.TotalSeconds);
        }
        var report = context.Report;
        report.Add("durable", "history rows/s: the silo's writer (binary COPY, batches of ≤ 5,000)", Format.Spread(copyRates, r => $"{r:N0} rows/s"));
        report.Add("durable", "history rows/s: plain INSERT, one row per statement", Format.Spread(insertRates, r => $"{r:N0} rows/s"));
        report.Add("durable", "COPY ÷ INSERT", Format.Ratio(Format.Median(copyRates) / Format.Median(insertRates)));
    }

    static List<HistoryEntry> Entries(string prefix, int count)
    {
        var now = DateTimeOffset.UtcNow;
        return Enumerable.Range(0, count).Select(i => new HistoryEntry($"lamp/bench-{prefix}-{i % 1000}", HistoryKind.Telemetry, (ulong)(i / 1000 + 1), now, now,
            $"{{\"seq\":{i / 1000 + 1},\"on\":false,\"brightness\":0,\"lux\":{200 + i % 50},\"motion\":false,\"powerW\":0}}")).ToList();
    }

    static async Task<TimeSpan> Copy(NpgsqlDataSource data, List<HistoryEntry> entries)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var writer = new PostgresHistory(data, new DatabaseHealth(data, NullLogger<DatabaseHealth>.Instance), new HistoryMetrics(meters),
            Options.Create(new HistoryOptions()), Options.Create(new SiloIdentity { Name = "bench" }), NullLogger<PostgresHistory>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        var stored = new List<Task>(entries.Count);
        foreach (var entry in entries)
            stored.Add(await writer.Enqueue(entry));
        await Task.WhenAll(stored);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await writer.StopAsync(CancellationToken.None);
        return elapsed;
    }

    static async Task<(long Rows, TimeSpan Elapsed)> Insert(NpgsqlDataSource data, List<HistoryEntry> entries, TimeSpan atMost)
    {
        await using var connection = await data.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO twin_history (subject, kind, seq, at, device_time, silo, body) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (subject, seq) WHERE seq IS NOT NULL DO NOTHING",
            connection);
        var subject = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
        var kind = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
        var seq = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
        var at = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var deviceTime = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var silo = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
        var body = insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb });
        await insert.PrepareAsync();
        var started = Stopwatch.GetTimestamp();
        long rows = 0;
        foreach (var entry in entries)
        {
            subject.Value = entry.Subject;
            kind.Value = "telemetry";
            seq.Value = (long)entry.Seq!.Value;
            at.Value = entry.At.UtcDateTime;
            deviceTime.Value = entry.DeviceTime!.Value.UtcDateTime;
            silo.Value = "bench";
            body.Value = entry.Body;
            await insert.ExecuteNonQueryAsync();
            rows++;
            if (Stopwatch.GetElapsedTime(started) > atMost)
                break;
        }
        return (rows, Stopwatch.GetElapsedTime(started));
    }
}
