using System.Collections.Frozen;
using System.Text.Json;
using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Twin.Incidents;
using Twin.Live;
using Twin.Twins;

namespace Twin.Silo.Streaming;

/// <summary>One change on the live stream: its SSE event name, what it is about, the JSON it carries, and who may see it.</summary>
public sealed record LiveEvent(string Event, string Kind, string? Building, ImmutableArray<string> Covers, object Data, Audience Audience)
{
    /// <summary>Twins and incidents are for the staff; a household's own twin is for its residents too.</summary>
    public static readonly Audience Staff = new([.. Parties.Roles.All.Where(r => r != Parties.Roles.Resident)]);

    /// <param name="json">The view as JSON, when the caller already made it (for the retained MQTT state).</param>
    public static LiveEvent Of(TwinView view, byte[]? json = null) =>
        new("twin", view.Kind, view.Kind == TwinKinds.Building ? view.Id : view.Building, view.Covers, view,
            view.Kind == TwinKinds.Household ? Staff with { Household = view.Id } : Staff) { utf8 = json };

    public static LiveEvent Of(IncidentView incident, byte[]? json = null) =>
        new("incident", TwinKinds.Incident, incident.Building, [], incident, Staff) { utf8 = json };

    public bool IsIn(string building) => Building == building || Covers.Contains(building);

    byte[]? utf8;

    /// <summary>The data as UTF-8 JSON, made once however many streams send it (two streams racing may both make it; either copy is the same).</summary>
    public byte[] Json => utf8 ??= JsonSerializer.SerializeToUtf8Bytes(Data, Data.GetType(), TwinJson.Options);
}

/// <summary>Feedback, polls, notices and welfare checks on their way to the live streams: the event name is their kind.</summary>
public sealed class LiveUpdates(TwinChangeFeed feed) : ILiveUpdates
{
    public void Publish(string @event, string? building, object data, Audience audience) =>
        feed.Publish(new LiveEvent(@event, @event, building, [], data, audience));
}

/// <summary>
/// Fans twin and incident changes out to the live streams (SSE) of this silo. Each subscriber has its own bounded queue; a client
/// too slow to keep up loses its oldest events rather than slowing the twins, and the loss is counted. Streams that follow one
/// building are found by the change's buildings, so a change costs nothing for the streams of every other building.
/// </summary>
public sealed class TwinChangeFeed(StreamMetrics metrics, IOptions<StreamOptions> options)
{
    /// <summary>Room for the pauses between a busy stream's writes (<see cref="StreamPacing"/>).</summary>
    public const int QueuePerSubscriber = 4096;
    readonly int writesPerSecond = options.Value.WritesPerSecond;
    readonly Lock gate = new();
    Subscribers subscribers = Subscribers.None;

    /// <summary>Live streams open on this silo.</summary>
    public int Streams => subscribers.All.Length;

    public void Publish(LiveEvent change)
    {
        var current = subscribers;
        Offer(current.Everywhere, change);
        if (current.ByBuilding.Count == 0)
            return;
        if (change.Building is { } building && current.ByBuilding.TryGetValue(building, out var here))
            Offer(here, change);
        for (var i = 0; i < change.Covers.Length; i++)
        {
            var covered = change.Covers[i];
            if (covered != change.Building && change.Covers.IndexOf(covered) == i && current.ByBuilding.TryGetValue(covered, out var near))
                Offer(near, change);
        }
    }

    void Offer(Subscriber[] to, LiveEvent change)
    {
        foreach (var subscriber in to)
        {
            if (!subscriber.Filter(change))
                continue;
            if (!subscriber.Queue.Writer.TryWrite(change))
                metrics.Dropped();
        }
    }

    /// <summary>
    /// Starts queueing the changes <paramref name="filter"/> admits, from now until the subscription is disposed.
    /// <paramref name="building"/>: the stream follows only the changes in or covering that building (its filter is
    /// asked only about those).
    /// </summary>
    public Subscription Subscribe(string? building, Func<LiveEvent, bool> filter)
    {
        var subscriber = new Subscriber(building, filter, Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(QueuePerSubscriber)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }));
        lock (gate)
            subscribers = subscribers.With(subscriber);
        metrics.Connected();
        return new Subscription(subscriber.Queue.Reader, (written, sincePreviousWrite) =>
        {
            metrics.Wrote();
            return StreamPacing.PauseAfterWrite(Streams, writesPerSecond, written, sincePreviousWrite, QueuePerSubscriber);
        }, () =>
        {
            lock (gate)
                subscribers = subscribers.Without(subscriber);
            metrics.Disconnected();
        });
    }

    /// <summary>One stream's queue of changes: read what is there, wait for more; disposing it unsubscribes.</summary>
    public sealed class Subscription(ChannelReader<LiveEvent> events, Func<int, TimeSpan, TimeSpan> pacing, Action unsubscribe) : IDisposable
    {
        int disposed;

        public ChannelReader<LiveEvent> Events => events;

        /// <summary>
        /// Counts a write of <paramref name="written"/> events, queued since the previous write, and says how long to
        /// wait before the next.
        /// </summary>
        public TimeSpan PauseAfterWrite(int written, TimeSpan sincePreviousWrite) => pacing(written, sincePreviousWrite);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
                unsubscribe();
        }
    }

    sealed record Subscriber(string? Building, Func<LiveEvent, bool> Filter, Channel<LiveEvent> Queue);

    /// <summary>Who listens, replaced whole on every (rare) subscribe and unsubscribe so that publishing never locks.</summary>
    sealed record Subscribers(Subscriber[] All, Subscriber[] Everywhere, FrozenDictionary<string, Subscriber[]> ByBuilding)
    {
        public static readonly Subscribers None = Of([]);

        public Subscribers With(Subscriber subscriber) => Of([.. All, subscriber]);

        public Subscribers Without(Subscriber subscriber) => Of([.. All.Where(s => s != subscriber)]);

        static Subscribers Of(Subscriber[] all) => new(all,
            [.. all.Where(s => s.Building is null)],
            all.Where(s => s.Building is not null).GroupBy(s => s.Building!).ToFrozenDictionary(g => g.Key, g => g.ToArray()));
    }
}

/// <summary>Meter <c>twin.http</c> instruments for the live streams.</summary>
public sealed class StreamMetrics
{
    public const string MeterName = "twin.http";
    readonly System.Diagnostics.Metrics.UpDownCounter<long> clients;
    readonly System.Diagnostics.Metrics.Counter<long> dropped;
    readonly System.Diagnostics.Metrics.Counter<long> writes;

    public StreamMetrics(System.Diagnostics.Metrics.IMeterFactory meters)
    {
        var meter = meters.Create(new System.Diagnostics.Metrics.MeterOptions(MeterName));
        clients = meter.CreateUpDownCounter<long>("twin.stream.clients", "{client}", "Live stream (SSE) clients connected");
        dropped = meter.CreateCounter<long>("twin.stream.dropped", "{event}", "Events a slow stream client did not receive");
        writes = meter.CreateCounter<long>("twin.stream.writes", "{write}", "Writes to live stream clients, each carrying what had queued since the one before");
    }

    public void Connected() => clients.Add(1);
    public void Disconnected() => clients.Add(-1);
    public void Dropped() => dropped.Add(1);
    public void Wrote() => writes.Add(1);
}
