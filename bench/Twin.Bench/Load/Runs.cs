using System.Diagnostics;
using Twin.Bench.Processes;

namespace Twin.Bench.Load;

/// <summary>How long a run warms up and then measures.</summary>
public sealed record RunLength(TimeSpan Warmup, TimeSpan Measure)
{
    /// <summary>
    /// The length of a silo's first run: its hot path is still being compiled (tiered JIT, on cores the load shares) for
    /// several seconds after the first messages, which a silo that has been running has long behind it.
    /// </summary>
    public RunLength First => this with { Warmup = Warmup + TimeSpan.FromSeconds(6) };
}

/// <summary>What one run measured: the rate seen by the observer, the messages it never saw, latency, and the CPU the system under test used per message.</summary>
public sealed record RunResult(double Rate, long Sent, long Seen, long Missing, long PublishFailures, Percentiles Latency, double? CpuMicrosecondsPerMessage)
{
    public bool Complete => Missing == 0 && PublishFailures == 0;

    /// <summary>What the observer saw, message by message (for the timeline of a traced run).</summary>
    public Observation? Observed { get; init; }

    /// <summary>The median CPU per message of the runs that measured it, as "12 µs"; "not measured" when none did.</summary>
    public static string MedianCpu(IEnumerable<RunResult> runs)
    {
        var measured = runs.Where(r => r.CpuMicrosecondsPerMessage is not null).Select(r => r.CpuMicrosecondsPerMessage!.Value).ToList();
        return measured.Count == 0 ? "not measured" : $"{Reporting.Format.Median(measured):0} µs";
    }
}

/// <summary>The two kinds of run every scenario is made of.</summary>
public static class Runs
{
    /// <summary>TWIN_BENCH_TRACE=1 prints what a run has sent and seen while it waits, to tell a slow system from a stuck driver.</summary>
    public static readonly bool Trace = Environment.GetEnvironmentVariable("TWIN_BENCH_TRACE") == "1";

    /// <summary>
    /// The sustained maximum: publish as fast as the window of messages not yet seen back allows, and count what comes
    /// back once warmed up. Every publisher waits for the system, so no queue grows and nothing overflows.
    /// </summary>
    public static async Task<RunResult> MaxRate(LoadPublisher publisher, Action<Observation?> watch, int devices, RunLength length, int window,
        ChildProcess? measured = null)
    {
        var log = new SentLog(devices);
        var permits = new SemaphoreSlim(window);
        var observation = new Observation(log, n => permits.Release(n));
        watch(observation);
        using var stop = new CancellationTokenSource();
        var running = publisher.ClosedLoop(log, permits, stop.Token);
        var result = await Measure(observation, log, length, measured);
        await stop.CancelAsync();
        await running;
        return await Drained(result, observation, log, publisher, watch);
    }

    /// <summary>Publishes at a fixed rate and records how long each message took to come back to every observer.</summary>
    public static async Task<IReadOnlyList<RunResult>> AtRate(LoadPublisher publisher, IReadOnlyList<Action<Observation?>> watchers, int devices,
        double rate, RunLength length, ChildProcess? measured = null)
    {
        var log = new SentLog(devices);
        var observations = watchers.Select(_ => new Observation(log)).ToList();
        for (var i = 0; i < watchers.Count; i++)
            watchers[i](observations[i]);
        using var stop = new CancellationTokenSource();
        var running = publisher.Paced(log, rate, stop.Token);
        // Every device was heard by the sustained-maximum runs before: no first round to wait for.
        var first = await Measure(observations[0], log, length, measured, observations, firstRound: false);
        await stop.CancelAsync();
        await running;
        var results = new List<RunResult>();
        for (var i = 0; i < watchers.Count; i++)
            results.Add(await Drained(i == 0 ? first : first with { Latency = observations[i].Latency() }, observations[i], log, publisher, watchers[i]));
        return results;
    }

    static async Task<RunResult> Measure(Observation observation, SentLog log, RunLength length, ChildProcess? measured, IReadOnlyList<Observation>? all = null,
        bool firstRound = true)
    {
        // A twin's first message is not a steady one (it sets baselines, which are stored at once): every device has
        // been heard before the clock starts, then the warm-up runs.
        var waited = Stopwatch.StartNew();
        while (firstRound && observation.Count < log.Devices && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
            if (Trace && waited.ElapsedMilliseconds % 1000 < 50)
                Console.WriteLine($"    first round: {log.Sent} sent, {observation.Count} seen");
        }
        await Waiting(length.Warmup, observation, log, "warm-up");
        foreach (var each in all ?? [observation])
            each.ResetLatencies();
        var seenBefore = observation.Count;
        var cpuBefore = measured?.CpuTime();
        var started = Stopwatch.GetTimestamp();
        await Waiting(length.Measure, observation, log, "measuring");
        var seen = observation.Count - seenBefore;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = measured?.CpuTime() - cpuBefore;
        foreach (var each in all ?? [observation])
            each.StopRecording();
        return new RunResult(seen / elapsed, 0, 0, 0, 0, observation.Latency(), cpu is { } used && seen > 0 ? used.TotalMicroseconds / seen : null);
    }

    /// <summary>Waits <paramref name="length"/>; traced, says each second what was sent and seen meanwhile.</summary>
    static async Task Waiting(TimeSpan length, Observation observation, SentLog log, string what)
    {
        if (!Trace)
        {
            await Task.Delay(length);
            return;
        }
        var until = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            var (sent, seen) = (log.Sent, observation.Count);
            var slice = TimeSpan.FromSeconds(Math.Min(1, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), until).TotalSeconds));
            await Task.Delay(slice);
            if (slice >= TimeSpan.FromMilliseconds(100))
                Console.WriteLine($"    {what}: {log.Sent - sent} sent, {observation.Count - seen} seen, {log.Sent - observation.Count} unseen");
        }
    }

    /// <summary>Waits until every message published has come back (or nothing came back for 10 s, or 20 s went by), then says how many never did.</summary>
    static async Task<RunResult> Drained(RunResult result, Observation observation, SentLog log, LoadPublisher publisher, Action<Observation?> watch)
    {
        var last = observation.Count;
        var quiet = Stopwatch.StartNew();
        var draining = Stopwatch.StartNew();
        // A stalled system (see BENCHMARKS.md, "Left open") trickles: the wait is capped, and what is left shows as missing.
        while (observation.Count < log.Sent && quiet.Elapsed < TimeSpan.FromSeconds(10) && draining.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
            if (observation.Count != last)
            {
                last = observation.Count;
                quiet.Restart();
            }
        }
        if (observation.Count < log.Sent)
            await StallEvidence.Capture(log.Sent - observation.Count);
        watch(null);
        return result with { Observed = observation, Sent = log.Sent, Seen = observation.Count, Missing = log.Sent - observation.Count, PublishFailures = publisher.Failed };
    }
}
