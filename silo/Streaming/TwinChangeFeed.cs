using System.Threading.Channels;
using Twin.Twins;

namespace Twin.Silo.Streaming;

/// <summary>
/// Fans twin changes out to the live streams (SSE) of this silo. Each subscriber has its own bounded queue; a client
/// too slow to keep up loses its oldest events rather than slowing the twins, and the loss is counted.
/// </summary>
public sealed class TwinChangeFeed(StreamMetrics metrics)
{
    const int QueuePerSubscriber = 1024;
    readonly Lock gate = new();
    ImmutableSubscribers subscribers = ImmutableSubscribers.Empty;

    public int SubscriberCount => subscribers.Items.Length;

    public void Publish(TwinView view)
    {
        foreach (var subscriber in subscribers.Items)
        {
            if (!subscriber.Filter(view))
                continue;
            if (!subscriber.Queue.Writer.TryWrite(view))
                metrics.Dropped();
        }
    }

    public async IAsyncEnumerable<TwinView> Subscribe(Func<TwinView, bool> filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(filter, Channel.CreateBounded<TwinView>(new BoundedChannelOptions(QueuePerSubscriber)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }));
        lock (gate)
            subscribers = new ImmutableSubscribers([.. subscribers.Items, subscriber]);
        metrics.Connected();
        try
        {
            await foreach (var view in subscriber.Queue.Reader.ReadAllAsync(cancellationToken))
                yield return view;
        }
        finally
        {
            lock (gate)
                subscribers = new ImmutableSubscribers([.. subscribers.Items.Where(s => s != subscriber)]);
            metrics.Disconnected();
        }
    }

    sealed record Subscriber(Func<TwinView, bool> Filter, Channel<TwinView> Queue);

    sealed record ImmutableSubscribers(Subscriber[] Items)
    {
        public static readonly ImmutableSubscribers Empty = new([]);
    }
}

/// <summary>Meter <c>twin.http</c> instruments for the live streams.</summary>
public sealed class StreamMetrics
{
    public const string MeterName = "twin.http";
    readonly System.Diagnostics.Metrics.UpDownCounter<long> clients;
    readonly System.Diagnostics.Metrics.Counter<long> dropped;

    public StreamMetrics(System.Diagnostics.Metrics.IMeterFactory meters)
    {
        var meter = meters.Create(new System.Diagnostics.Metrics.MeterOptions(MeterName));
        clients = meter.CreateUpDownCounter<long>("twin.stream.clients", "{client}", "Live stream (SSE) clients connected");
        dropped = meter.CreateCounter<long>("twin.stream.dropped", "{event}", "Events a slow stream client did not receive");
    }

    public void Connected() => clients.Add(1);
    public void Disconnected() => clients.Add(-1);
    public void Dropped() => dropped.Add(1);
}
