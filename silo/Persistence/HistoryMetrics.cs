using System.Diagnostics.Metrics;

namespace Twin.Silo.Persistence;

/// <summary>Meter <c>twin.history</c>: the history's write queue and how its batches go.</summary>
public sealed class HistoryMetrics
{
    public const string MeterName = "twin.history";

    readonly Counter<long> written, skipped, failures, waits;
    readonly Histogram<int> batchSize;
    readonly Histogram<double> flushLatency;
    readonly UpDownCounter<long> depth;

    public HistoryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        depth = meter.CreateUpDownCounter<long>("twin.history.queue.depth", "{entry}", "History entries waiting to be written");
        written = meter.CreateCounter<long>("twin.history.written", "{row}", "History rows written");
        skipped = meter.CreateCounter<long>("twin.history.duplicates", "{row}", "Redelivered messages the history already held (same twin and seq), not written again");
        failures = meter.CreateCounter<long>("twin.history.write.failures", "{batch}", "Batches that failed to write and were retried");
        waits = meter.CreateCounter<long>("twin.history.queue.full", "{entry}", "Appends that had to wait because the queue was full");
        batchSize = meter.CreateHistogram<int>("twin.history.batch.size", "{row}", "Rows per COPY batch");
        flushLatency = meter.CreateHistogram<double>("twin.history.flush.duration", "ms", "Time to write one batch");
    }

    public void Queued() => depth.Add(1);

    public void QueueFull() => waits.Add(1);

    public void Flushed(int rows, int inserted, double milliseconds)
    {
        depth.Add(-rows);
        written.Add(inserted);
        skipped.Add(rows - inserted);
        batchSize.Record(rows);
        flushLatency.Record(milliseconds);
    }

    public void Abandoned(int rows) => depth.Add(-rows);

    public void WriteFailed() => failures.Add(1);
}
