using Twin.Bench.Load;
using Twin.Bench.Processes;
using Twin.Bench.Reporting;

namespace Twin.Bench.Scenarios;

/// <summary>How much of everything a run does: the quick run for the README, the full run for BENCHMARKS.md.</summary>
/// <param name="Repetitions">Runs of each throughput figure other than the embedded relay's (mosquitto's pairs too).</param>
/// <param name="RelayRepetitions">
/// Runs of the embedded relay's pairs (broker alone, then through Twin). The quick run takes three too: a single pair's
/// ratio spread 0.43 – 0.66 on this machine, too wide to read against 0.5, and the ratios are what gets re-measured.
/// </param>
/// <param name="BuildingStreamPairs">
/// Pairs (without, then with the clients) of the fan-out to clients that follow one building. Its runs without clients
/// alone spread ±10 % on this machine, as wide as the target; the whole stream, far off it, takes <see cref="Repetitions"/>.
/// </param>
public sealed record Profile(string Name, int Repetitions, int RelayRepetitions, int BuildingStreamPairs, RunLength Throughput, RunLength Latency,
    int[] ScaleTwins, int Drills, int StreamClients, bool RestartCheck)
{
    public static readonly Profile Quick = new("quick", 1, 3, 3, new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)), new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)),
        [10_000], 10, 200, RestartCheck: false);

    public static readonly Profile Full = new("full", 3, 3, 5, new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)), new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)),
        [10_000, 100_000], 50, 200, RestartCheck: true);

    /// <summary>Messages in flight between publisher and observer in a closed-loop run: enough to keep every stage busy.</summary>
    public int Window => 2_000;
}

/// <summary>What the scenarios share: the profile, the files, the figures, and what earlier scenarios found out.</summary>
public sealed class BenchContext(Profile profile, Workspace workspace, Report report)
{
    public Profile Profile => profile;
    public Workspace Workspace => workspace;
    public Report Report => report;

    /// <summary>Twin's sustained maximum on the embedded broker (median), which the latency and life-safety runs take fractions of.</summary>
    public double? EmbeddedTwinRate { get; set; }

    /// <summary>Twin-applied msg/s with the state in memory, for the durable run's on/off ratio.</summary>
    public double? InMemoryTwinRate { get; set; }
}
