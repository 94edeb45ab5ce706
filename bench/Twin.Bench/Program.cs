using System.CommandLine;
using Spectre.Console;
using Profile = Twin.Bench.Scenarios.Profile;
using Twin.Bench.Processes;
using Twin.Bench.Scenarios;

var profile = new Option<string>("--profile")
{
    Description = "quick: one run of each, 10k twins, a few minutes (the README's command); full: 3 runs of each, 10k and 100k twins, 50 drills (BENCHMARKS.md)",
    DefaultValueFactory = _ => "quick",
};
profile.AcceptOnlyFromAmong("quick", "full");
var only = new Option<string[]>("--only")
{
    Description = $"Run only these sections: {string.Join(", ", Suite.Sections)}",
    AllowMultipleArgumentsPerToken = true,
    CustomParser = result => [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries))],
};
only.Validators.Add(result =>
{
    foreach (var section in result.GetValueOrDefault<string[]>() ?? [])
        if (!Suite.Sections.Contains(section))
            result.AddError($"there is no section '{section}'; sections: {string.Join(", ", Suite.Sections)}");
});
var siloSettings = new Option<string[]>("--silo-setting")
{
    Description = "NAME=VALUE environment settings for every silo the run starts, e.g. Twin__Twins__CoalesceTelemetryFor=00:00:00 (repeatable)",
};
siloSettings.Validators.Add(result =>
{
    foreach (var setting in result.GetValueOrDefault<string[]>() ?? [])
        if (setting.IndexOf('=', StringComparison.Ordinal) < 1)
            result.AddError($"--silo-setting wants NAME=VALUE, not '{setting}'");
});
var maxRate = new Option<double?>("--max-rate")
{
    Description = "Take this as Twin's sustained maximum (msg/s) instead of measuring it, so runs with different silo settings see the same load",
};
var output = new Option<string?>("--out") { Description = "Where to write the Markdown table [default: bench/results/<profile>-<time>.md]" };

var root = new RootCommand("twin-bench: how fast Twin turns device messages into live twins, measured against the broker's own limit in the same run")
{
    profile, only, siloSettings, maxRate, output,
};
root.SetAction(async (parse, _) =>
{
    try
    {
        SiloProcess.ExtraSettings = (parse.GetValue(siloSettings) ?? []).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return await Suite.Run(parse.GetValue(profile) == "full" ? Profile.Full : Profile.Quick, parse.GetValue(only) ?? [], parse.GetValue(output), parse.GetValue(maxRate));
    }
    catch (BenchException e)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]twin-bench: {e.Message}[/]");
        return 1;
    }
    catch (Exception e) when (e is HttpRequestException or IOException or MQTTnet.Exceptions.MqttCommunicationException or TimeoutException)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]twin-bench: the run failed: {e.Message}[/]");
        AnsiConsole.WriteLine(e.ToString());
        return 1;
    }
});

var portOption = new Option<int>("--port") { Required = true };
var broker = new Command("broker", "Runs the embedded broker's MQTTnet server alone (the benchmark starts it as a separate process)") { portOption };
broker.Hidden = true;
broker.SetAction((parse, cancellation) => BrokerProcess.RunBare(parse.GetValue(portOption), cancellation));
root.Subcommands.Add(broker);

var loadBroker = new Option<int>("--mqtt-port") { Description = "The port of the silo's broker on 127.0.0.1", Required = true };
var loadTopology = new Option<string>("--topology") { Description = "The topology file the silo runs", Required = true };
var loadSeconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 30 };
var loadRate = new Option<double?>("--rate") { Description = "Publish this many msg/s instead of the highest rate the silo sustains" };
var loadRelay = new Option<bool>("--relay") { Description = "Watch the devices' own telemetry topics (a bare broker's relay) instead of the twins' state" };
var load = new Command("load", "Plays the topology's devices at the highest rate a silo sustains (or at --rate), for profiling it (dotnet-trace) while it runs")
{
    loadBroker, loadTopology, loadSeconds, loadRate, loadRelay,
};
load.SetAction(async (parse, _) =>
{
    var traffic = Twin.Bench.Load.Traffic.From(parse.GetValue(loadTopology)!);
    var broker = new BrokerEndpoint("silo", "127.0.0.1", parse.GetValue(loadBroker));
    await using var publisher = await Twin.Bench.Load.LoadPublisher.Connect(broker, traffic);
    await using var states = parse.GetValue(loadRelay)
        ? await Twin.Bench.Load.MqttObserver.Telemetry(broker, traffic)
        : await Twin.Bench.Load.MqttObserver.States(broker, traffic);
    var length = new Twin.Bench.Load.RunLength(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(parse.GetValue(loadSeconds)));
    var result = parse.GetValue(loadRate) is { } rate
        ? (await Twin.Bench.Load.Runs.AtRate(publisher, [states.Watch], traffic.Devices.Count, rate, length))[0]
        : await Twin.Bench.Load.Runs.MaxRate(publisher, states.Watch, traffic.Devices.Count, length, Profile.Quick.Window);
    if (Twin.Bench.Load.Runs.Trace && result.Observed is { } observed)
        foreach (var (from, messages, worst) in observed.Timeline(TimeSpan.FromMilliseconds(100)).Where(b => b.WorstMs > 40))
            Console.WriteLine($"    slow: published at {from.TotalSeconds:0.0} s, {messages} messages, worst {worst:0} ms");
    Console.WriteLine($"{result.Rate:N0} msg/s applied; p50 {result.Latency.P50:0.0} ms, p99 {result.Latency.P99:0.0} ms; {result.Missing} missing");
    return 0;
});
load.Hidden = true;
root.Subcommands.Add(load);

return await root.Parse(args).InvokeAsync();
