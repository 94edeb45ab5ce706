using System.Diagnostics;
using System.Text;
using Twin.Bench.Load;
using Twin.Bench.Processes;
using Twin.Bench.Reporting;

namespace Twin.Bench.Scenarios;

/// <summary>
/// Point 4: a community of N twins, all provisioned and so all active. How long until the silo is ready, what each
/// twin costs in memory (against the sample community's silo as the baseline), and how fast the two overview queries answer.
/// </summary>
public static class ScaleScenario
{
    public sealed record Baseline(int Twins, MemoryReport Memory);

    public static async Task<Baseline> MeasureBaseline(BenchContext context)
    {
        Report.Step("scale: baseline memory, the sample community");
        var sample = Topology.Sample;
        await using var silo = await SiloProcess.Start(new SiloSetup(sample.Path, Name: "silo-sample"), context.Workspace);
        var memory = await silo.MemoryAfterFullCollection();
        context.Report.Add("scale", $"baseline: the sample community ({sample.Twins} twins), RSS / managed heap after a full GC",
            $"{Format.Bytes(memory.ResidentBytes)} / {Format.Bytes(memory.ManagedBytes)}");
        return new Baseline(sample.Twins, memory);
    }

    /// <summary>Starts a silo with <paramref name="topology"/>, measures it, and hands it back running for the scenarios that follow.</summary>
    public static async Task<SiloProcess> Measure(BenchContext context, Topology topology, Baseline baseline)
    {
        var size = $"{topology.Twins / 1000.0:0}k twins";
        Report.Step($"scale: {topology.Twins:N0} twins ({topology.Households:N0} households)");
        var silo = await SiloProcess.Start(new SiloSetup(topology.Path, Name: $"silo-{topology.Twins}"), context.Workspace);
        var report = context.Report;
        var active = await silo.Metric("twin_active");
        report.Add("scale", $"{size}: start until ready, every twin provisioned and active",
            $"{silo.StartedIn.TotalSeconds:0.0} s ({topology.Twins / silo.StartedIn.TotalSeconds:N0} twins/s; {active:N0} twins active)");

        // The generated "100k" community holds 99,952 twins (whole households), so the 100k targets apply from 90k up.
        var hundredK = topology.Twins >= 90_000;
        var memory = await silo.MemoryAfterFullCollection();
        var added = topology.Twins - baseline.Twins;
        var rssPerTwin = (memory.ResidentBytes - baseline.Memory.ResidentBytes) / (double)added;
        var heapPerTwin = (memory.ManagedBytes - baseline.Memory.ManagedBytes) / (double)added;
        report.Add("scale", $"{size}: RSS / managed heap after a full GC", $"{Format.Bytes(memory.ResidentBytes)} / {Format.Bytes(memory.ManagedBytes)}",
            hundredK ? "RSS < 1 GiB at 100k" : "", hundredK ? memory.ResidentBytes < 1L << 30 : null);
        report.Add("scale", $"{size}: memory per active twin, RSS / managed heap", $"{Format.Bytes(rssPerTwin)} / {Format.Bytes(heapPerTwin)}",
            "≤ 4 KB (RSS)", rssPerTwin <= 4096);

        var traffic = Traffic.From(topology.Path);
        await FaultSomeLamps(silo, traffic);
        var queries = hundredK ? 200 : 100;
        var twins = await Latency(silo.Api, "/api/twins?kind=lamp&status=fault", queries);
        report.Add("scale", $"{size}: GET /api/twins?kind=lamp&status=fault ({twins.Items} lamps), p50 / p99 / max of {queries}",
            $"{Format.Ms(twins.Latency.P50)} / {Format.Ms(twins.Latency.P99)} / {Format.Ms(twins.Latency.Max)}", "p99 < 50 ms", twins.Latency.P99 < 50);
        var alarm = await Latency(silo.Api, "/api/twins?kind=lamp&status=alarm", queries);
        report.Add("scale", $"{size}: GET /api/twins?kind=lamp&status=alarm ({alarm.Items} lamps), p50 / p99 / max of {queries}",
            $"{Format.Ms(alarm.Latency.P50)} / {Format.Ms(alarm.Latency.P99)} / {Format.Ms(alarm.Latency.Max)}", "p99 < 50 ms", alarm.Latency.P99 < 50);
        var community = traffic.Community;
        var overview = await Latency(silo.Api, $"/api/communities/{community}", queries);
        report.Add("scale", $"{size}: GET /api/communities/{{id}}, p50 / p99 / max of {queries}",
            $"{Format.Ms(overview.Latency.P50)} / {Format.Ms(overview.Latency.P99)} / {Format.Ms(overview.Latency.Max)}", "p99 < 50 ms", overview.Latency.P99 < 50);
        return silo;
    }

    /// <summary>One lamp in fifty reports a fault, so the lamp query has something to find (each also opens a work order).</summary>
    static async Task FaultSomeLamps(SiloProcess silo, Traffic traffic)
    {
        var lamps = traffic.Devices.Where(d => d.Kind == "lamp").Where((_, i) => i % 50 == 0).ToList();
        await using var publisher = await LoadPublisher.Connect(silo.Broker, traffic, connections: 1);
        foreach (var lamp in lamps)
            await publisher.PublishOne(lamp.EventTopic, Encoding.UTF8.GetBytes("{\"type\":\"fault\",\"code\":\"bench\"}"));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20) && (await Count(silo.Api, "/api/twins?kind=lamp&status=fault")) < lamps.Count)
            await Task.Delay(200);
    }

    static async Task<int> Count(HttpClient api, string path)
    {
        using var document = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync(path));
        return document.RootElement.TryGetProperty("items", out var items) ? items.GetArrayLength() : 0;
    }

    static async Task<(int Items, Percentiles Latency)> Latency(HttpClient api, string path, int times)
    {
        for (var i = 0; i < 10; i++)
            await api.GetStringAsync(path);
        var samples = new List<double>(times);
        var items = 0;
        for (var i = 0; i < times; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var body = await api.GetStringAsync(path);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (i == 0)
            {
                using var document = System.Text.Json.JsonDocument.Parse(body);
                items = document.RootElement.TryGetProperty("items", out var list) ? list.GetArrayLength() : 1;
            }
        }
        return (items, Percentiles.Of(samples));
    }
}
