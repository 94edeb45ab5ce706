using Twin.Bench.Load;
using Twin.Bench.Processes;
using Twin.Bench.Reporting;

namespace Twin.Bench.Scenarios;

/// <summary>
/// Point 2: the broker's own limit and Twin's, side by side. The same devices, messages and client settings: first
/// the broker alone relays them to one plain QoS 1 subscriber; then they go through Twin (published → applied to the
/// twin → its retained state out, which the observer sees). Runs alternate, so both see the same machine.
/// </summary>
public static class RelayScenario
{
    /// <param name="pairs">Runs of the broker alone, each followed by one through Twin.</param>
    /// <returns>Twin's median sustained rate.</returns>
    public static async Task<double> Compare(BenchContext context, string broker, int pairs, BrokerProcess raw, SiloProcess silo, ChildProcess? externalBroker, Traffic traffic)
    {
        Report.Step($"relay: {broker}, broker alone vs through Twin, {traffic.Devices.Count:N0} devices, {pairs} × {context.Profile.Throughput.Measure.TotalSeconds:0} s each");
        await using var rawPublisher = await LoadPublisher.Connect(raw.Endpoint, traffic);
        await using var rawObserver = await MqttObserver.Telemetry(raw.Endpoint, traffic);
        await using var twinPublisher = await LoadPublisher.Connect(silo.Broker, traffic);
        await using var twinObserver = await MqttObserver.States(silo.Broker, traffic);

        var rawRuns = new List<RunResult>();
        var twinRuns = new List<RunResult>();
        var externalCpu = new List<double>();
        for (var i = 0; i < pairs; i++)
        {
            rawRuns.Add(await Runs.MaxRate(rawPublisher, rawObserver.Watch, traffic.Devices.Count, context.Profile.Throughput, context.Profile.Window, raw.Process));
            var brokerCpuBefore = externalBroker?.CpuTime();
            var length = i == 0 ? context.Profile.Throughput.First : context.Profile.Throughput;
            twinRuns.Add(await Runs.MaxRate(twinPublisher, twinObserver.Watch, traffic.Devices.Count, length, context.Profile.Window, silo.Process));
            if (externalBroker is not null && brokerCpuBefore is { } before)
                externalCpu.Add((externalBroker.CpuTime() - before).TotalMicroseconds / twinRuns[^1].Seen);
        }

        var report = context.Report;
        var rawRates = rawRuns.Select(r => r.Rate).ToList();
        var twinRates = twinRuns.Select(r => r.Rate).ToList();
        var ratios = rawRuns.Zip(twinRuns, (r, t) => t.Rate / r.Rate).ToList();
        report.Add("relay", $"{broker}: broker alone, QoS 1 to one subscriber", Format.Spread(rawRates, Format.Rate));
        report.Add("relay", $"{broker}: through Twin, applied and state out", Format.Spread(twinRates, Format.Rate));
        report.Add("relay", $"{broker}: Twin ÷ broker alone", Format.Spread(ratios, Format.Ratio), "≥ 0.5", Format.Median(ratios) >= 0.5);
        report.Add("relay", $"{broker}: CPU per message, bare broker / silo{(externalCpu.Count > 0 ? " + mosquitto" : "")}",
            $"{RunResult.MedianCpu(rawRuns)} / {RunResult.MedianCpu(twinRuns)}{(externalCpu.Count > 0 ? $" + {Format.Median(externalCpu):0} µs" : "")}");
        var missing = rawRuns.Concat(twinRuns).Sum(r => r.Missing + r.PublishFailures);
        report.Add("relay", $"{broker}: messages published but never seen back (all runs)", $"{missing:N0} of {rawRuns.Concat(twinRuns).Sum(r => r.Sent):N0}",
            "0", missing == 0);
        return Format.Median(twinRates);
    }
}
