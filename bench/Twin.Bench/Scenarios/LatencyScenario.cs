using Twin.Bench.Load;
using Twin.Bench.Processes;
using Twin.Bench.Reporting;

namespace Twin.Bench.Scenarios;

/// <summary>Point 3: publish → retained state and → live stream event, at 25, 50 and 90 % of the sustained maximum.</summary>
public static class LatencyScenario
{
    public static async Task Measure(BenchContext context, SiloProcess silo, Traffic traffic, double maxRate)
    {
        Report.Step($"latency: at 25 / 50 / 90 % of {Format.Rate(maxRate)}");
        await using var publisher = await LoadPublisher.Connect(silo.Broker, traffic);
        await using var states = await MqttObserver.States(silo.Broker, traffic);
        await using var stream = await SseObserver.Open(silo.Api.BaseAddress!, SiloProcess.AdminToken, traffic);
        foreach (var share in new[] { 0.25, 0.5, 0.9 })
        {
            var rate = share * maxRate;
            var gcBefore = await GcTotals.Of(silo);
            var results = await Runs.AtRate(publisher, [states.Watch, stream.Watch], traffic.Devices.Count, rate, context.Profile.Latency, silo.Process);
            var (state, live) = (results[0], results[1]);
            if (Runs.Trace)
                foreach (var (from, messages, worst) in state.Observed!.Timeline(TimeSpan.FromMilliseconds(250)))
                    Console.WriteLine($"    {from.TotalSeconds,5:0.00} s: {messages,5} messages, worst {worst,7:0.0} ms");
            var label = $"at {share:P0} ({Format.Rate(rate)}; {Format.Rate(state.Rate)} applied)";
            var target = share == 0.5 ? "p99 < 50 ms" : "";
            context.Report.Add("latency", $"{label}: publish → retained state, p50 / p99 / max",
                $"{Format.Ms(state.Latency.P50)} / {Format.Ms(state.Latency.P99)} / {Format.Ms(state.Latency.Max)}", target, share == 0.5 ? state.Latency.P99 < 50 : null);
            context.Report.Add("latency", $"{label}: publish → SSE event, p50 / p99 / max",
                $"{Format.Ms(live.Latency.P50)} / {Format.Ms(live.Latency.P99)} / {Format.Ms(live.Latency.Max)}", target, share == 0.5 ? live.Latency.P99 < 50 : null);
            var gc = await GcTotals.Of(silo) - gcBefore;
            context.Report.Add("latency", $"{label}: the silo's garbage collections (warm-up and run), count / paused in all / on average", gc.ToString());
            if (state.Missing > 0 || live.Missing > 0)
                context.Report.Note($"latency at {share:P0}: {state.Missing:N0} messages never showed in the retained state and {live.Missing:N0} never on the stream (of {state.Sent:N0})");
        }
    }
}

/// <summary>The silo's garbage collections so far (its System.Runtime metrics), to set the latency tail beside them.</summary>
sealed record GcTotals(double Collections, double PausedSeconds)
{
    public static async Task<GcTotals> Of(SiloProcess silo) =>
        new(await silo.Metric("dotnet_gc_collections_total"), await silo.Metric("dotnet_gc_pause_time_seconds_total"));

    public override string ToString() =>
        Collections == 0 ? "none" : $"{Collections:N0} / {Format.Ms(PausedSeconds * 1000)} / {Format.Ms(PausedSeconds * 1000 / Collections)}";

    public static GcTotals operator -(GcTotals after, GcTotals before) =>
        new(after.Collections - before.Collections, after.PausedSeconds - before.PausedSeconds);
}
