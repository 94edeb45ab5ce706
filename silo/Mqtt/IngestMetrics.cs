using System.Diagnostics.Metrics;

namespace Twin.Silo.Mqtt;

/// <summary>Meter <c>twin.ingest</c>: what arrives over MQTT and what becomes of it.</summary>
public sealed class IngestMetrics
{
    public const string MeterName = "twin.ingest";

    readonly Counter<long> received, accepted, duplicates, stale, deadLetters, retries, outboxDropped, outboxSuperseded, published;
    readonly Histogram<double> applyLatency, outboxWait;
    readonly UpDownCounter<long> inFlight, outboxDepth;

    public IngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        received = meter.CreateCounter<long>("twin.ingest.received", "{message}", "MQTT messages received from devices");
        accepted = meter.CreateCounter<long>("twin.ingest.accepted", "{message}", "Messages applied to a twin");
        duplicates = meter.CreateCounter<long>("twin.ingest.duplicates", "{message}", "Messages dropped because their seq was not newer than the twin's last");
        stale = meter.CreateCounter<long>("twin.ingest.stale", "{message}", "Telemetry older than what the twin holds (accepted, not applied to reported)");
        deadLetters = meter.CreateCounter<long>("twin.ingest.deadletters", "{message}", "Messages sent to twin/deadletter, by reason");
        retries = meter.CreateCounter<long>("twin.ingest.retries", "{attempt}", "Grain calls retried while applying a message");
        applyLatency = meter.CreateHistogram<double>("twin.ingest.apply.duration", "ms", "From receipt to the twin having applied the message");
        inFlight = meter.CreateUpDownCounter<long>("twin.ingest.inflight", "{message}", "Messages received and not yet acknowledged");
        outboxDepth = meter.CreateUpDownCounter<long>("twin.mqtt.outbox.depth", "{message}", "Messages waiting to be published (state, commands, dead letters)");
        outboxDropped = meter.CreateCounter<long>("twin.mqtt.outbox.dropped", "{message}", "Messages not published because the outbox was full");
        outboxSuperseded = meter.CreateCounter<long>("twin.mqtt.outbox.superseded", "{message}",
            "Retained messages (states) replaced in the outbox by a newer one of the same topic before they were published");
        published = meter.CreateCounter<long>("twin.mqtt.published", "{message}", "Messages published by the silo, by kind of topic");
        outboxWait = meter.CreateHistogram<double>("twin.mqtt.outbox.wait", "ms", "From a message entering the outbox to the broker having it, by kind of topic");
    }

    static KeyValuePair<string, object?> Kind(string kind) => new("twin.kind", kind);

    public void Received() { received.Add(1); inFlight.Add(1); }
    public void Acknowledged() => inFlight.Add(-1);
    public void Accepted(string kind, double milliseconds) { accepted.Add(1, Kind(kind)); applyLatency.Record(milliseconds, Kind(kind)); }
    public void Duplicate(string kind) => duplicates.Add(1, Kind(kind));
    public void Stale(string kind) => stale.Add(1, Kind(kind));
    public void DeadLetter(string reason) => deadLetters.Add(1, new KeyValuePair<string, object?>("twin.reason", reason));
    public void Retry() => retries.Add(1);
    public void Enqueued() => outboxDepth.Add(1);
    public void Published(string what, double waitedMilliseconds)
    {
        var topic = new KeyValuePair<string, object?>("twin.topic", what);
        outboxDepth.Add(-1);
        published.Add(1, topic);
        outboxWait.Record(waitedMilliseconds, topic);
    }
    /// <summary>A waiting retained message gave its place to a newer one of its topic: as many waiting as before.</summary>
    public void Superseded(string what) => outboxSuperseded.Add(1, new KeyValuePair<string, object?>("twin.topic", what));
    public void Dropped(string what) => outboxDropped.Add(1, new KeyValuePair<string, object?>("twin.topic", what));
}
