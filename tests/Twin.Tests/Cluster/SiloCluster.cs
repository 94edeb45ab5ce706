using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Twin.Tests.Support;
using Xunit.Abstractions;

namespace Twin.Tests.Cluster;

/// <summary>
/// Silo processes on one fresh PostgreSQL database, ingesting from their own mosquitto through the shared
/// subscription: the production layout of a community, on this machine. Logs go to a directory per test, kept when
/// the test fails.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    public const string AdminToken = "cluster-admin-token";

    /// <summary>How often a durable reminder wakes an active incident: escalation may be late by this much after a crash.</summary>
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(5);

    bool passed;

    SiloCluster(string directory, string database, MosquittoBroker broker, IReadOnlyList<SiloProcess> silos)
    {
        LogDirectory = directory;
        Database = database;
        Broker = broker;
        Silos = silos;
    }

    public string LogDirectory { get; }

    /// <summary>The connection string of this cluster's database.</summary>
    public string Database { get; }

    public MosquittoBroker Broker { get; }

    public IReadOnlyList<SiloProcess> Silos { get; }

    public IEnumerable<SiloProcess> Running => Silos.Where(s => s.IsRunning);

    /// <summary>Starts mosquitto and <paramref name="silos"/> silos named silo-a, silo-b … and waits until every one is ready.</summary>
    public static async Task<SiloCluster> Start(PostgresFixture postgres, string test, int silos, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "twin-cluster-tests", $"{test}-{DateTime.Now:HHmmss}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(directory);
        var database = await postgres.CreateDatabaseAsync($"cluster_{test}");
        var broker = await MosquittoBroker.Start(directory);
        var settings = new Dictionary<string, string?>
        {
            ["Twin__Postgres"] = database,
            ["Twin__Mqtt__Host"] = broker.Host,
            ["Twin__Mqtt__Port"] = broker.Port.ToString(),
            ["Twin__Incidents__ReminderPeriod"] = ReminderPeriod.ToString(),
            // Membership changes (a silo suspected, declared dead) are the timeline of these tests.
            ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
            settings[key] = value;
        var processes = Enumerable.Range(0, silos)
            .Select(i => new SiloProcess($"silo-{(char)('a' + i)}", directory, AdminToken, settings))
            .ToList();
        var cluster = new SiloCluster(directory, database, broker, processes);
        try
        {
            foreach (var silo in processes)
                silo.Start();
            await Task.WhenAll(processes.Select(s => s.WaitReady(TimeSpan.FromSeconds(90))));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public SiloProcess Silo(string name) => Silos.Single(s => s.Name == name);

    /// <summary>A silo that is still running, to ask over HTTP.</summary>
    public SiloProcess AnyRunning => Running.FirstOrDefault() ?? throw new InvalidOperationException($"no silo is running.\n{Logs()}");

    /// <summary>Short overrides of the incident playbooks (seconds to acknowledge every task), as a community's topology sets them.</summary>
    public async Task SetAckWithin(string incidentType, int seconds)
    {
        var response = await AnyRunning.Http.PostAsJsonAsync("/api/provision",
            new { playbooks = new Dictionary<string, object> { [incidentType] = new { ackWithinSeconds = seconds } } });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"provisioning the {incidentType} playbook failed: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The tail of every silo's log and the broker's, for a failure message.</summary>
    public string Logs(int lines = 50)
    {
        var text = new StringBuilder($"Logs in {LogDirectory}\n");
        foreach (var silo in Silos)
            text.Append(silo.Tail(lines));
        text.Append(Broker.Tail(20));
        return text.ToString();
    }

    /// <summary>A connection of the test's own, unpooled, so none survives a pause of the server.</summary>
    public async Task<NpgsqlConnection> OpenDatabase()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Per subject: the telemetry rows the history holds, as (rows, distinct seqs, lowest, highest).</summary>
    public async Task<Dictionary<string, TelemetryRows>> TelemetryRows()
    {
        await using var connection = await OpenDatabase();
        await using var command = new NpgsqlCommand(
            "SELECT subject, count(*), count(DISTINCT seq), min(seq), max(seq) FROM twin_history WHERE kind = 'telemetry' GROUP BY subject", connection);
        var rows = new Dictionary<string, TelemetryRows>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows[reader.GetString(0)] = new TelemetryRows(reader.GetInt64(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4));
        return rows;
    }

    /// <summary>The seqs of one subject's telemetry rows, with repeats.</summary>
    public async Task<List<long>> TelemetrySeqs(string subject)
    {
        await using var connection = await OpenDatabase();
        await using var command = new NpgsqlCommand("SELECT seq FROM twin_history WHERE kind = 'telemetry' AND subject = $1 ORDER BY seq", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        var seqs = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            seqs.Add(reader.IsDBNull(0) ? -1 : reader.GetInt64(0));
        return seqs;
    }

    /// <summary>The names of the active silos in Orleans' order of silo addresses: by generation (start time), then port.</summary>
    public async Task<List<string>> ActiveSilosOldestFirst()
    {
        await using var connection = await OpenDatabase();
        // Status 3 is SiloStatus.Active.
        await using var command = new NpgsqlCommand("SELECT siloname FROM orleansmembershiptable WHERE status = 3 ORDER BY generation, port", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>How many history rows each silo wrote: which silos took a share of the work.</summary>
    public async Task<Dictionary<string, long>> RowsBySilo(string kind = "telemetry")
    {
        await using var connection = await OpenDatabase();
        await using var command = new NpgsqlCommand("SELECT silo, count(*) FROM twin_history WHERE kind = $1 GROUP BY silo", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        var rows = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows[reader.GetString(0)] = reader.GetInt64(1);
        return rows;
    }

    /// <summary>
    /// What the history and the twins miss against what the simulator published: one line per device that differs
    /// (history rows not exactly seq 1..N once each, or state not the last reading). Empty when everything matches.
    /// </summary>
    public async Task<List<string>> Differences(IReadOnlyDictionary<string, PublishedDevice> published, bool checkState)
    {
        var differences = new List<string>();
        var rows = await TelemetryRows();
        foreach (var (subject, device) in published.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var expected = (long)device.LastSeq;
            var held = rows.GetValueOrDefault(subject);
            if (held is null || held.Rows != expected || held.DistinctSeqs != expected || held.Lowest != 1 || held.Highest != expected)
                differences.Add($"{subject}: published seq 1..{expected}, history holds {held?.ToString() ?? "nothing"}{await SeqGaps(subject, expected)}");
        }
        foreach (var subject in rows.Keys.Where(s => !published.ContainsKey(s)))
            differences.Add($"{subject}: never published, history holds {rows[subject]}");
        if (checkState && differences.Count == 0)
        {
            foreach (var (subject, device) in published.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (await StateDifference(device) is { } problem)
                    differences.Add($"{subject}: {problem}");
            }
        }
        return differences;
    }

    async Task<string> SeqGaps(string subject, long expected)
    {
        var seqs = await TelemetrySeqs(subject);
        var present = seqs.ToHashSet();
        var missing = Enumerable.Range(1, (int)expected).Select(i => (long)i).Where(s => !present.Contains(s)).ToList();
        var repeated = seqs.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var unexpected = seqs.Where(s => s < 1 || s > expected).Distinct().ToList();
        var text = new StringBuilder();
        if (missing.Count > 0)
            text.Append($"; {missing.Count} missing: {string.Join(",", missing.Take(15))}{(missing.Count > 15 ? ",…" : "")}");
        if (repeated.Count > 0)
            text.Append($"; repeated: {string.Join(",", repeated.Take(15))}");
        if (unexpected.Count > 0)
            text.Append($"; never published: {string.Join(",", unexpected.Take(15))}");
        return text.ToString();
    }

    /// <summary>Null when the twin, read over HTTP from a running silo, shows the device's last reading and seq.</summary>
    async Task<string?> StateDifference(PublishedDevice device)
    {
        JsonElement twin;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            twin = await AnyRunning.Http.GetFromJsonAsync<JsonElement>($"/api/twins/{device.Device.Kind}/{device.Device.Id}", timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return $"reading the twin failed: {e.Message}";
        }
        var lastSeq = twin.TryGetProperty("lastSeq", out var seq) ? seq.GetInt64() : -1;
        var wrong = new List<string>();
        if (lastSeq != (long)device.LastSeq)
            wrong.Add($"lastSeq {lastSeq}, published {device.LastSeq}");
        var reported = twin.GetProperty("reported");
        foreach (var (field, value) in device.LastFields)
        {
            if (!reported.TryGetProperty(field, out var actual))
                wrong.Add($"{field} missing, published {value}");
            else if (!SameValue(actual, value))
                wrong.Add($"{field} {actual.GetRawText()}, published {JsonSerializer.Serialize(value)}");
        }
        return wrong.Count == 0 ? null : string.Join("; ", wrong);
    }

    static bool SameValue(JsonElement actual, object expected) => expected switch
    {
        bool b => actual.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
        _ => actual.ValueKind == JsonValueKind.Number && Math.Abs(actual.GetDouble() - Convert.ToDouble(expected, System.Globalization.CultureInfo.InvariantCulture)) < 1e-9,
    };

    /// <summary>Marks the test as passed: its logs are removed with the cluster.</summary>
    public void Passed() => passed = true;

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
            silo.Dispose();
        await Broker.DisposeAsync();
        if (passed)
        {
            try
            {
                Directory.Delete(LogDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover log directory fails no test.
            }
        }
    }
}

public sealed record TelemetryRows(long Rows, long DistinctSeqs, long? Lowest, long? Highest)
{
    public override string ToString() => $"{Rows} rows, {DistinctSeqs} distinct seqs, {Lowest}..{Highest}";
}

/// <summary>A stopwatch that notes what happened when, for the test's output.</summary>
public sealed class Timeline(ITestOutputHelper output)
{
    readonly Stopwatch clock = Stopwatch.StartNew();

    public TimeSpan Now => clock.Elapsed;

    public void Note(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
}
