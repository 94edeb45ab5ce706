using System.Diagnostics;

namespace Twin.Bench.Load;

/// <summary>
/// One observer's view of a run: which messages came back and how long each took. A twin's state carries the last seq
/// it applied, so seeing seq n of a device accounts for every message of that device up to n.
/// </summary>
public sealed class Observation
{
    readonly SentLog log;
    readonly ulong[] seen;
    readonly Action<int>? onSeen;
    readonly List<double> latencies = new(1 << 16);
    readonly List<long> sentAts = new(1 << 16);
    readonly Lock gate = new();
    long count;
    long outOfWindow;
    bool recording = true;

    /// <param name="onSeen">Told how many messages came back, e.g. to let the publisher send that many more.</param>
    public Observation(SentLog log, Action<int>? onSeen = null)
    {
        this.log = log;
        this.onSeen = onSeen;
        seen = Enumerable.Repeat(log.FirstSeq - 1, log.Devices).ToArray();
    }

    public long Count => Interlocked.Read(ref count);

    /// <summary>Messages whose publish time had already been overwritten (the device ran more than <see cref="SentLog.Depth"/> messages ahead).</summary>
    public long OutOfWindow => Interlocked.Read(ref outOfWindow);

    /// <summary>Device <paramref name="device"/> showed seq <paramref name="seq"/>. Calls for one device come one at a time.</summary>
    public void Seen(int device, ulong seq)
    {
        var now = Stopwatch.GetTimestamp();
        ulong from;
        lock (gate)
        {
            from = seen[device];
            if (seq <= from || seq > log.LastSent(device))
                return;
            seen[device] = seq;
            for (var s = from + 1; s <= seq; s++)
            {
                if (seq - s >= SentLog.Depth)
                {
                    outOfWindow++;
                    continue;
                }
                if (recording)
                {
                    var sentAt = log.SentAt(device, s);
                    latencies.Add(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
                    sentAts.Add(sentAt);
                }
            }
        }
        var n = (int)(seq - from);
        Interlocked.Add(ref count, n);
        onSeen?.Invoke(n);
    }

    /// <summary>Starts the latency record afresh (after a warm-up).</summary>
    public void ResetLatencies()
    {
        lock (gate)
        {
            latencies.Clear();
            sentAts.Clear();
        }
    }

    /// <summary>The worst latency of the messages published in each <paramref name="bucket"/> of the run, in order: when the tail happened, not only how long it was.</summary>
    public IReadOnlyList<(TimeSpan From, int Messages, double WorstMs)> Timeline(TimeSpan bucket)
    {
        lock (gate)
        {
            if (sentAts.Count == 0)
                return [];
            var first = sentAts.Min();
            return sentAts.Zip(latencies)
                .GroupBy(p => (long)(Stopwatch.GetElapsedTime(first, p.First) / bucket))
                .OrderBy(g => g.Key)
                .Select(g => (bucket * g.Key, g.Count(), g.Max(p => p.Second)))
                .ToList();
        }
    }

    public void StopRecording()
    {
        lock (gate)
            recording = false;
    }

    public Percentiles Latency()
    {
        lock (gate)
            return Percentiles.Of(latencies);
    }
}

/// <summary>p50, p99 and max of a set of samples (milliseconds), with how many there were.</summary>
public sealed record Percentiles(int Samples, double P50, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
            return new Percentiles(0, double.NaN, double.NaN, double.NaN);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.99), sorted[^1]);
    }
}
