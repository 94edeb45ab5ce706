using System.Diagnostics;
using Twin.Bench.Load;
using Twin.Bench.Processes;
using Twin.Bench.Reporting;

namespace Twin.Bench.Scenarios;

/// <summary>The whole run, in an order that starts each process once: the embedded silo at 10k twins serves scale, relay, latency, life safety and fan-out.</summary>
public static class Suite
{
    public static readonly string[] Sections = ["scale", "relay", "mosquitto", "latency", "safety", "fanout", "broker", "durable"];
    static readonly string[] OnTheEmbeddedSilo = ["scale", "relay", "latency", "safety", "fanout"];
    static readonly string[] NeedTheSustainedMaximum = ["latency", "safety", "fanout", "durable"];

    public static async Task<int> Run(Profile profile, IReadOnlyCollection<string> only, string? output, double? assumedMaximum = null)
    {
        var started = Stopwatch.StartNew();
        var workspace = new Workspace(Path.Combine(Path.GetTempPath(), "twin-bench", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss")));
        var report = new Report();
        var context = new BenchContext(profile, workspace, report);
        StallEvidence.KeepIn(workspace);
        var machine = Machine.Describe();
        bool Wants(string section) => only.Count == 0 || only.Contains(section);
        Report.Step($"twin-bench {profile.Name}: {machine}; logs in {workspace.Root}");

        var baseline = Wants("scale") ? await ScaleScenario.MeasureBaseline(context) : null;
        var topology = await Topology.WithAbout(10_000, workspace);
        var traffic = Traffic.From(topology.Path);

        if (OnTheEmbeddedSilo.Any(Wants))
        {
            await using var silo = baseline is not null
                ? await ScaleScenario.Measure(context, topology, baseline)
                : await SiloProcess.Start(new SiloSetup(topology.Path, Name: "silo-10k"), workspace);
            if (Wants("relay"))
            {
                await using var bare = await BrokerProcess.StartBare(workspace);
                context.EmbeddedTwinRate = context.InMemoryTwinRate = await RelayScenario.Compare(context, "embedded (MQTTnet)", profile.RelayRepetitions, bare, silo, null, traffic);
            }
            else if (NeedTheSustainedMaximum.Any(Wants))
            {
                // Given the maximum, the silo still runs once at it first (not reported), so the runs that take fractions of
                // it do not meet a silo whose hot path is still being compiled.
                var measured = await SustainedMaximum(context, silo, traffic, report: assumedMaximum is null);
                context.EmbeddedTwinRate = context.InMemoryTwinRate = assumedMaximum ?? measured;
            }
            // The latency runs end at 90 % of the maximum, which this silo may not recover from within the run (see
            // BENCHMARKS.md): they come last on it, so the drills and the fan-out see the silo as the relay left it.
            if (Wants("safety"))
                await SafetyScenario.Measure(context, silo, traffic, topology, context.EmbeddedTwinRate!.Value);
            if (Wants("fanout"))
                await FanOutScenario.Measure(context, silo, traffic);
            if (Wants("latency"))
                await LatencyScenario.Measure(context, silo, traffic, context.EmbeddedTwinRate!.Value);
        }
        // "relay" is both brokers; "mosquitto" is its second half alone.
        if (Wants("relay") || only.Contains("mosquitto"))
        {
            await using var raw = await BrokerProcess.StartMosquitto(workspace, "mosquitto-alone");
            await using var shared = await BrokerProcess.StartMosquitto(workspace, "mosquitto-twin");
            await using var silo = await SiloProcess.Start(new SiloSetup(topology.Path, shared.Endpoint, Name: "silo-mosquitto"), workspace);
            // Far under 0.5 in every run (0.27 – 0.37 a pair), so the quick run measures it once, as its other figures.
            await RelayScenario.Compare(context, "mosquitto", profile.Repetitions, raw, silo, shared.Process, traffic);
        }
        if (Wants("broker"))
            await BrokerCostScenario.Measure(context, traffic, profile.Name == "quick" ? 20_000 : 100_000);
        if (Wants("durable"))
            await DurableScenario.Measure(context, topology, traffic);
        if (Wants("scale") && baseline is not null)
            foreach (var size in profile.ScaleTwins.Where(n => n > 10_000))
            {
                await using var big = await ScaleScenario.Measure(context, await Topology.WithAbout(size, workspace), baseline);
            }

        if (assumedMaximum is { } assumed)
            report.Note($"Twin's sustained maximum was not measured: {Format.Rate(assumed)} was given (--max-rate)");
        var title = $"twin-bench {profile.Name}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {started.Elapsed.TotalMinutes:0.0} min";
        report.PrintTable(title);
        var markdown = report.Markdown(title, CommandLine(profile, only, assumedMaximum), machine);
        output ??= Path.Combine(Workspace.Repository, "bench", "results", $"{profile.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, markdown);
        Console.WriteLine($"results: {output}");
        return 0;
    }

    static async Task<double> SustainedMaximum(BenchContext context, SiloProcess silo, Traffic traffic, bool report)
    {
        await using var publisher = await LoadPublisher.Connect(silo.Broker, traffic);
        await using var states = await MqttObserver.States(silo.Broker, traffic);
        var result = await Runs.MaxRate(publisher, states.Watch, traffic.Devices.Count, context.Profile.Throughput.First, context.Profile.Window, silo.Process);
        if (report)
            context.Report.Add("relay", "embedded (MQTTnet): through Twin, applied and state out", Format.Rate(result.Rate));
        return result.Rate;
    }

    static string CommandLine(Profile profile, IReadOnlyCollection<string> only, double? assumedMaximum) =>
        $"scripts/bench.sh{(profile.Name == "quick" ? "" : $" --profile {profile.Name}")}{(only.Count == 0 ? "" : $" --only {string.Join(',', only)}")}"
        + (assumedMaximum is { } rate ? $" --max-rate {rate:0}" : "")
        + string.Concat(SiloProcess.ExtraSettings.Select(s => $" --silo-setting {s.Key}={s.Value}"));
}

/// <summary>What the figures were measured on.</summary>
public static class Machine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30);
        return $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, {memory:0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
