using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Twin.Bench.Processes;

/// <summary>How to run the silo for one benchmark: its topology, its broker (its own embedded one, or an external one) and its database.</summary>
public sealed record SiloSetup(string Topology, BrokerEndpoint? ExternalBroker = null, string? Postgres = null, string Name = "silo");

/// <summary>The silo as users run it (the Release build, its own process), with an API client that holds the admin token.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public const string AdminToken = "bench-admin-token";

    SiloProcess(ChildProcess process, Uri api, BrokerEndpoint broker)
    {
        Process = process;
        Broker = broker;
        Api = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        evidence = Load.StallEvidence.Include($"{Path.GetFileNameWithoutExtension(process.LogPath)}: /metrics (twin_)", OwnMetrics);
    }

    readonly IDisposable evidence;

    async Task<string> OwnMetrics() => string.Join('\n', (await MetricLines()).Where(l => l.StartsWith("twin_", StringComparison.Ordinal)));

    async Task<string[]> MetricLines() => (await Api.GetStringAsync("/metrics")).Split('\n');

    public ChildProcess Process { get; }

    /// <summary>The broker its devices talk to.</summary>
    public BrokerEndpoint Broker { get; }

    /// <summary>From starting the process until it reported ready: every twin of the topology provisioned and active, MQTT connected.</summary>
    public TimeSpan StartedIn { get; private set; }

    public HttpClient Api { get; }

    /// <summary>Settings every silo of the run gets on top (<c>--silo-setting</c>), e.g. to measure the way things were before a change.</summary>
    public static IReadOnlyDictionary<string, string> ExtraSettings { get; set; } = new Dictionary<string, string>();

    public static string Binary => Path.Combine(Workspace.Repository, "silo", "bin", "Release", "net10.0", "Twin.Silo.dll");

    public static async Task<SiloProcess> Start(SiloSetup setup, Workspace workspace, TimeSpan? readyWithin = null)
    {
        if (!File.Exists(Binary))
            throw new BenchException($"the silo is not built: {Binary} is missing (run `dotnet build silo -c Release`, or scripts/bench.sh which does)");
        var http = FreePort.Next();
        var mqtt = setup.ExternalBroker?.Port ?? FreePort.Next();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{http}",
            ["TWIN_ADMIN_TOKEN"] = AdminToken,
            ["Twin__Topology"] = setup.Topology,
            ["Twin__Mqtt__Port"] = mqtt.ToString(),
            ["Twin__Silo__Port"] = FreePort.Next().ToString(),
            ["Twin__Silo__GatewayPort"] = FreePort.Next().ToString(),
            ["Twin__Postgres"] = setup.Postgres,
            // The query latencies are measured with requests back to back, far above the API's per-token rate limit.
            ["Twin__Http__RequestsPerSecond"] = "100000",
            ["Twin__Http__Burst"] = "100000",
        };
        if (setup.ExternalBroker is { } external)
            environment["Twin__Mqtt__Host"] = external.Host;
        foreach (var (name, value) in ExtraSettings)
            environment[name] = value;
        var started = Stopwatch.StartNew();
        var child = ChildProcess.Start("dotnet", [Binary], environment, workspace.LogFile(setup.Name), Path.GetDirectoryName(Binary));
        var silo = new SiloProcess(child, new Uri($"http://127.0.0.1:{http}"),
            setup.ExternalBroker ?? new BrokerEndpoint("embedded (MQTTnet)", "127.0.0.1", mqtt));
        try
        {
            if (!await silo.WaitUntilReady(readyWithin ?? TimeSpan.FromMinutes(10)))
                throw new BenchException(
                    $"the silo did not become ready within {(readyWithin ?? TimeSpan.FromMinutes(10)).TotalSeconds:0} s; its log ({child.LogPath}) ends:\n{child.Tail()}");
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
        silo.StartedIn = started.Elapsed;
        return silo;
    }

    async Task<bool> WaitUntilReady(TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (Process.HasExited)
                throw new BenchException($"the silo exited while starting; its log ({Process.LogPath}) ends:\n{Process.Tail()}");
            try
            {
                using var response = await Api.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                    return true;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>The silo's own account of its memory, after a full compacting collection.</summary>
    public async Task<MemoryReport> MemoryAfterFullCollection() =>
        await Api.GetFromJsonAsync<MemoryReport>("/api/diagnostics/memory?collect=true", Json)
        ?? throw new BenchException("the silo returned no memory report");

    /// <summary>The sum of one Prometheus series over its labels, from <c>/metrics</c>.</summary>
    public async Task<double> Metric(string name)
    {
        var total = 0.0;
        foreach (var line in await MetricLines())
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || (line.Length > name.Length && line[name.Length] is not ('{' or ' ')))
                continue;
            var value = line[(line.LastIndexOf(' ') + 1)..];
            if (double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number))
                total += number;
        }
        return total;
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async ValueTask DisposeAsync()
    {
        evidence.Dispose();
        Api.Dispose();
        await Process.DisposeAsync();
    }
}

public sealed record MemoryReport(long ResidentBytes, long ManagedBytes, long HeapBytes, long FragmentedBytes, int FullCollections, bool Collected, bool ServerGc);
