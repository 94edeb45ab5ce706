using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Twin.History;
using Twin.Silo.Cluster;
using Twin.Silo.Persistence;
using Twin.Tests.Support;

namespace Twin.Tests.Durable;

/// <summary>The history writer on a real PostgreSQL of its own (these tests stop the server).</summary>
public sealed class PostgresHistoryTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_entry_is_stored_and_read_back_newest_first_and_a_redelivered_message_is_kept_once()
    {
        await using var writer = await Writer.Start(postgres, "history");

        for (var seq = 1; seq <= 300; seq++)
            await writer.Append(Message("lamp/L-01", (ulong)seq, T0.AddSeconds(seq)));
        await writer.Append(Message("lamp/L-01", 7, T0.AddSeconds(400)));
        await writer.Append(HistoryEntry.Change("lamp/L-01", T0.AddSeconds(401), new { status = "alarm" }));
        await writer.Append(Message("lamp/L-02", 7, T0.AddSeconds(7)));

        Assert.Equal(301, await writer.Count("lamp/L-01"));
        Assert.Equal(1, await writer.Count("lamp/L-02"));
        var page = await writer.History.Read(new HistoryQuery("lamp/L-01", null, null, 3), CancellationToken.None);
        Assert.Equal([HistoryKind.Change, HistoryKind.Telemetry, HistoryKind.Telemetry], page.Select(r => r.Kind));
        Assert.Equal([300UL, 299UL], page.Skip(1).Select(r => r.Seq!.Value));
        Assert.Equal("alarm", page[0].Body.GetProperty("status").GetString());
        Assert.Equal(300, page[1].Body.GetProperty("seq").GetInt32());
    }

    [Fact]
    public async Task A_body_postgresql_refuses_is_kept_in_base64_and_holds_up_nothing_else()
    {
        await using var writer = await Writer.Start(postgres, "refused");
        var waiting = new List<Task>
        {
            await writer.History.Enqueue(Message("camera/C-01", 1, T0)),
            await writer.History.Enqueue(new HistoryEntry("camera/C-01", HistoryKind.Event, 2, T0.AddSeconds(1), null, """{"type": "motion", "note": "a\u0000b"}""")),
            await writer.History.Enqueue(Message("camera/C-01", 3, T0.AddSeconds(2))),
        };

        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(30));

        var page = await writer.History.Read(new HistoryQuery("camera/C-01", null, null, 10), CancellationToken.None);
        Assert.Equal([3UL, 2UL, 1UL], page.Select(r => r.Seq!.Value));
        Assert.Contains("\\u0000", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(page[1].Body.GetProperty("bodyBase64").GetString()!)));
    }

    [Fact]
    public async Task From_and_to_bound_the_page()
    {
        await using var writer = await Writer.Start(postgres, "window");
        for (var seq = 1; seq <= 10; seq++)
            await writer.Append(Message("bin/BIN-01", (ulong)seq, T0.AddMinutes(seq)));

        var page = await writer.History.Read(new HistoryQuery("bin/BIN-01", T0.AddMinutes(3), T0.AddMinutes(6), 100), CancellationToken.None);

        Assert.Equal([5UL, 4UL, 3UL], page.Select(r => r.Seq!.Value));
    }

    [Fact]
    public async Task Telemetry_after_a_seq_or_a_time_is_read_oldest_first_with_the_payload_the_device_sent()
    {
        await using var writer = await Writer.Start(postgres, "replay");
        for (var seq = 1; seq <= 8; seq++)
            await writer.Append(Message("bin/BIN-01", (ulong)seq, T0.AddSeconds(seq)));
        await writer.Append(new HistoryEntry("bin/BIN-01", HistoryKind.Telemetry, 9, T0.AddSeconds(9), null, """{"seq": 9, "note": "a\u0000b"}"""));
        await writer.Append(new HistoryEntry("bin/BIN-01", HistoryKind.Event, 10, T0.AddSeconds(10), null, """{"seq": 10, "type": "tilted"}"""));
        await writer.Append(HistoryEntry.Change("bin/BIN-01", T0.AddSeconds(10), new { status = "warning" }));
        await writer.Append(Message("bin/BIN-02", 7, T0.AddSeconds(7)));
        await writer.Append(new HistoryEntry("gate/G-01", HistoryKind.Telemetry, null, T0.AddSeconds(1), null, """{"open": false}"""));
        await writer.Append(new HistoryEntry("gate/G-01", HistoryKind.Telemetry, null, T0.AddSeconds(2), null, """{"open": true}"""));

        var rows = await writer.History.ReadTelemetryAfter("bin/BIN-01", 6, T0.AddDays(1), CancellationToken.None);
        Assert.Equal([7UL, 8UL, 9UL], rows.Select(r => r.Seq!.Value));
        Assert.Equal(T0.AddSeconds(7), rows[0].At);
        Assert.Equal(T0.AddSeconds(7).AddMilliseconds(-5), rows[0].DeviceTime);
        Assert.Equal(12.5, System.Text.Json.JsonDocument.Parse(rows[0].Body).RootElement.GetProperty("lux").GetDouble());
        // PostgreSQL refused that one as JSON and keeps it in base64: the replay gets what the device sent.
        Assert.Equal("""{"seq": 9, "note": "a\u0000b"}""", rows[2].Body);

        Assert.Equal(9, (await writer.History.ReadTelemetryAfter("bin/BIN-01", null, T0, CancellationToken.None)).Count);
        var withoutSeq = await writer.History.ReadTelemetryAfter("gate/G-01", null, T0.AddSeconds(1), CancellationToken.None);
        Assert.Equal("""{"open": true}""", Assert.Single(withoutSeq).Body);
    }

    [Fact]
    public async Task While_the_database_is_down_entries_wait_and_the_failures_are_counted_then_everything_is_written()
    {
        await using var writer = await Writer.Start(postgres, "outage");
        await writer.Append(Message("gate/G-north", 1, T0));

        await postgres.PauseAsync();
        var waiting = new List<Task>();
        try
        {
            for (var seq = 2; seq <= 50; seq++)
                waiting.Add(await writer.History.Enqueue(Message("gate/G-north", (ulong)seq, T0.AddSeconds(seq))));
            await Eventually.True(() => Task.FromResult(writer.Failures > 0), "a failed write to be counted", TimeSpan.FromSeconds(20));
            Assert.DoesNotContain(waiting, t => t.IsCompleted);
            Assert.False(writer.Health.IsUp);
        }
        finally
        {
            await postgres.ResumeAsync();
        }

        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(50, await writer.Count("gate/G-north"));
        Assert.True(writer.Health.IsUp);
    }

    static HistoryEntry Message(string subject, ulong seq, DateTimeOffset at) =>
        new(subject, HistoryKind.Telemetry, seq, at, at.AddMilliseconds(-5), $$"""{"seq": {{seq}}, "lux": 12.5}""");

    sealed class Writer : IAsyncDisposable
    {
        readonly ServiceProvider services;
        readonly MeterListener listener = new();
        long failures;

        Writer(NpgsqlDataSource database)
        {
            Database = database;
            services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            Health = new DatabaseHealth(database, NullLogger<DatabaseHealth>.Instance);
            History = new PostgresHistory(database, Health, new HistoryMetrics(services.GetRequiredService<IMeterFactory>()),
                Options.Create(new HistoryOptions { MaxBatch = 64 }), Options.Create(new SiloIdentity { Name = "test" }), NullLogger<PostgresHistory>.Instance);
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "twin.history.write.failures")
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
            listener.Start();
        }

        public NpgsqlDataSource Database { get; }
        public PostgresHistory History { get; }
        public DatabaseHealth Health { get; }
        public long Failures => Interlocked.Read(ref failures);

        public static async Task<Writer> Start(PostgresFixture postgres, string name)
        {
            var database = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync(name));
            await new DatabaseSchema(database, NullLogger<DatabaseSchema>.Instance).StartAsync(CancellationToken.None);
            var writer = new Writer(database);
            await writer.History.StartAsync(CancellationToken.None);
            return writer;
        }

        public async Task Append(HistoryEntry entry) => await (await History.Enqueue(entry)).WaitAsync(TimeSpan.FromSeconds(30));

        public async Task<long> Count(string subject)
        {
            await using var command = Database.CreateCommand("SELECT count(*) FROM twin_history WHERE subject = @s");
            command.Parameters.AddWithValue("s", subject);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await History.StopAsync(CancellationToken.None);
            History.Dispose();
            listener.Dispose();
            await services.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
