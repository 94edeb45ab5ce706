using System.Buffers;
using System.Data.Common;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Twin.History;
using Twin.Schema;
using Twin.Silo.Cluster;
using Twin.Silo.Topology;
using Twin.Twins;

namespace Twin.Silo.Mqtt;

/// <summary>
/// Device messages in: one MQTT client with a persistent session subscribes at QoS 1 and acknowledges a message only
/// after its twin applied it and the history stored it (or it was dead-lettered), so a crash in between means
/// redelivery, not loss; the redelivered copy is recognised by its seq. Messages are spread over ordered lanes by
/// twin, so one twin's messages are applied in the order they came while different twins are applied in parallel;
/// a lane does not wait for the history, only the acknowledgement does.
/// With the embedded broker the messages come straight from the broker's publish pipeline instead (see
/// <see cref="EmbeddedBroker.Ingest"/>): broker and twins live and die together in one process, so a loopback client's
/// session would add a TCP round trip per message and no safety.
/// </summary>
public sealed class MqttIngestion : BackgroundService
{
    static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);
    static readonly TimeSpan SessionExpiry = TimeSpan.FromDays(1);

    readonly MqttOptions settings;
    readonly Security.SiloMqttAccount account;
    readonly IGrainFactory grains;
    readonly IHistoryLog history;
    readonly DeadLetters deadLetters;
    readonly IngestMetrics metrics;
    readonly TopologyLoader topology;
    readonly TimeProvider clock;
    readonly ILogger<MqttIngestion> logger;
    readonly Channel<Received>[] lanes;
    readonly MqttConnection connection;
    readonly Session ownSession = new();

    public MqttIngestion(IOptions<MqttOptions> options, IOptions<SiloIdentity> identity, Security.SiloMqttAccount account, EmbeddedBroker broker,
        IGrainFactory grains, IHistoryLog history, DeadLetters deadLetters, IngestMetrics metrics, TopologyLoader topology, TimeProvider clock,
        ILogger<MqttIngestion> logger)
    {
        settings = options.Value;
        this.account = account;
        this.grains = grains;
        this.history = history;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.topology = topology;
        this.clock = clock;
        this.logger = logger;
        lanes = Enumerable.Range(0, settings.IngestLanes)
            .Select(_ => Channel.CreateBounded<Received>(new BoundedChannelOptions(settings.LaneCapacity) { SingleReader = true }))
            .ToArray();

        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e => OnMessage(e, ownSession);
        var clientId = MqttClientSettings.IngestionClientId(MqttClientSettings.BaseClientId(settings, identity.Value));
        connection = new MqttConnection("ingestion", client, SessionOptions(clientId), Subscribe, logger);
        if (settings.InProcess)
        {
            embedded = broker;
            broker.Ingest(message => Accept(message, null, ownSession));
        }
    }

    readonly EmbeddedBroker? embedded;

    public bool IsConnected => embedded?.IsRunning ?? connection.IsConnected;

    /// <summary>Whether several silos share the devices through one shared subscription (an external broker).</summary>
    public bool SharesSubscription => settings.UseSharedSubscription;

    MqttClientOptions SessionOptions(string clientId) =>
        MqttClientSettings.Builder(settings, account, clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)SessionExpiry.TotalSeconds)
            .WithReceiveMaximum((ushort)Math.Min(ushort.MaxValue, settings.IngestLanes * settings.LaneCapacity))
            .Build();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Twins must exist before their devices are heard, or early messages would be dead-lettered as unknown.
        await topology.Loaded.WaitAsync(stoppingToken);
        var workers = lanes.Select(lane => Work(lane.Reader, stoppingToken)).ToList();
        if (embedded is null)
            await connection.KeepConnected(stoppingToken);
        else
            await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var lane in lanes)
            lane.Writer.TryComplete();
        await Task.WhenAll(workers);
    }

    string[] Filters => settings.UseSharedSubscription
        ? [Topics.SharedGroup + Topics.TelemetryFilter, Topics.SharedGroup + Topics.EventFilter]
        : [Topics.TelemetryFilter, Topics.EventFilter];

    async Task Subscribe(CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in Filters)
            subscribe = subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        var result = await connection.Client.SubscribeAsync(subscribe.Build(), cancellationToken);
        foreach (var item in result.Items.Where(i => (int)i.ResultCode > 2))
            Log.SubscriptionRefused(logger, item.TopicFilter.Topic, item.ResultCode.ToString());
        // Which broker this is, to warn about one known to drop messages. A broker that keeps no such topic, or an
        // account not allowed to read it, just sends nothing: no warning either way.
        await connection.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(BrokerVersion.Topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)).Build(), cancellationToken);
    }

    /// <summary>
    /// Takes over the ingestion session of a silo that died: the broker keeps sending that session its share of the
    /// shared subscription and holds what it had not acknowledged. This applies all of it, then unsubscribes the
    /// session so the broker stops routing devices to it. If the silo comes back in the meantime, it takes its session
    /// back (the broker disconnects us) and receives whatever we had not acknowledged.
    /// </summary>
    public async Task DrainSessionOf(string siloName, CancellationToken cancellationToken)
    {
        var clientId = MqttClientSettings.IngestionClientId(MqttClientSettings.BaseClientId(siloName));
        var session = new Session();
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e => OnMessage(e, session);
        var connected = await client.ConnectAsync(SessionOptions(clientId), cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            Log.DrainRefused(logger, clientId, connected.ResultCode.ToString());
            return;
        }
        if (!connected.IsSessionPresent)
        {
            // Nothing was held for it; leave no session behind either.
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(0).Build(), cancellationToken);
            return;
        }
        Log.DrainStarted(logger, clientId, siloName);
        await session.WaitUntilQuiet(TimeSpan.FromSeconds(3), () => client.IsConnected, cancellationToken);
        if (client.IsConnected)
        {
            await client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(Filters[0]).WithTopicFilter(Filters[1]).Build(), cancellationToken);
            await session.WaitUntilQuiet(TimeSpan.FromSeconds(1), () => client.IsConnected, cancellationToken);
        }
        if (client.IsConnected)
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(0).Build(), cancellationToken);
        Log.DrainFinished(logger, clientId, session.Received);
    }

    Task OnMessage(MqttApplicationMessageReceivedEventArgs e, Session session)
    {
        if (e.ApplicationMessage.Topic == BrokerVersion.Topic)
        {
            ReportBroker(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        }
        e.AutoAcknowledge = false;
        return Accept(e.ApplicationMessage, e, session);
    }

    void ReportBroker(string version)
    {
        if (BrokerVersion.KnownLoss(version) is { } advice)
            Log.BrokerLosesMessages(logger, version, advice);
        else
            Log.BrokerVersion(logger, version);
    }

    /// <summary>
    /// Runs on MQTTnet's receive loop (the client's, or the embedded broker's for the device's connection): only sorts
    /// the message into its lane; the lanes do the work. <paramref name="delivery"/> is what to acknowledge, when a
    /// client session delivered it.
    /// </summary>
    async Task Accept(MqttApplicationMessage message, MqttApplicationMessageReceivedEventArgs? delivery, Session session)
    {
        metrics.Received();
        session.Arrived();
        var topic = message.Topic;
        var length = message.Payload.Length;

        var parsed = Topics.Parse(topic);
        if (parsed.Rejection is { } badTopic)
        {
            deadLetters.Send(topic, Excerpt(message.Payload), length, badTopic);
            await Acknowledge(delivery, session);
            return;
        }
        if (length > MessageParser.MaxPayloadBytes)
        {
            deadLetters.Send(topic, Excerpt(message.Payload), length,
                new Rejection(Rejection.TooLarge, $"payload is {length} bytes; the limit is {MessageParser.MaxPayloadBytes} bytes (64 KiB)"));
            await Acknowledge(delivery, session);
            return;
        }

        var lane = lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(parsed.Twin.Id) % lanes.Length)].Writer;
        var received = new Received(parsed.Twin, parsed.Channel, message.Payload.ToArray(), topic, delivery, session, Stopwatch.GetTimestamp());
        while (await lane.WaitToWriteAsync())
            if (lane.TryWrite(received))
                return;
        // The silo is stopping and the lanes are closed: unacknowledged, it comes again after the restart.
        session.Settled();
    }

    async Task Work(ChannelReader<Received> reader, CancellationToken stopping)
    {
        await foreach (var item in reader.ReadAllAsync(CancellationToken.None))
        {
            Task stored;
            try
            {
                stored = await Handle(item, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Not acknowledged: the broker redelivers it to this session after the restart.
                item.Session.Settled();
                continue;
            }
            catch (Exception e)
            {
                // Whatever went wrong with one message, the lane goes on: the message is dead-lettered, not lost.
                Log.HandleFailed(logger, e, item.Topic);
                deadLetters.Send(item.Topic, item.Payload, new Rejection(Rejection.Unapplied, $"the silo failed on this message: {e.Message}"));
                stored = Task.CompletedTask;
            }
            if (stored.IsCompletedSuccessfully)
                await Acknowledge(item.Args, item.Session);
            else
                _ = AcknowledgeWhenStored(stored, item);
        }
    }

    /// <summary>The history holds the message before the broker forgets it; if it never does (shutdown with the database down), no ack: it comes again.</summary>
    async Task AcknowledgeWhenStored(Task stored, Received item)
    {
        try
        {
            await stored;
        }
        catch (Exception)
        {
            item.Session.Settled();
            return;
        }
        await Acknowledge(item.Args, item.Session);
    }

    /// <summary>Applies one message; returns the task that completes when its history row is stored.</summary>
    async Task<Task> Handle(Received item, CancellationToken stopping)
    {
        var kind = KindRegistry.Get(item.Twin.Kind);
        var parse = MessageParser.Parse(kind.Schema, item.Channel, item.Payload);
        if (parse.Rejection is { } rejection)
        {
            deadLetters.Send(item.Topic, item.Payload, rejection);
            return Task.CompletedTask;
        }

        var message = parse.Message!;
        var outcome = await ApplyWithRetry(item.Twin, message, stopping);
        switch (outcome)
        {
            case ApplyOutcome.Applied:
                metrics.Accepted(item.Twin.Kind, Stopwatch.GetElapsedTime(item.ReceivedAt).TotalMilliseconds);
                break;
            case ApplyOutcome.Stale:
                metrics.Accepted(item.Twin.Kind, Stopwatch.GetElapsedTime(item.ReceivedAt).TotalMilliseconds);
                metrics.Stale(item.Twin.Kind);
                break;
            case ApplyOutcome.Duplicate:
                // Usually a redelivery after a crash; its first copy may have died before its history row was
                // written, so it is offered to the history again, which keeps one row per seq.
                metrics.Duplicate(item.Twin.Kind);
                break;
            case ApplyOutcome.UnknownTwin:
                deadLetters.Send(item.Topic, item.Payload, new Rejection(Rejection.UnknownTwin, $"no {item.Twin.Kind} '{item.Twin.Id}' is provisioned in this community"));
                return Task.CompletedTask;
            case null:
                deadLetters.Send(item.Topic, item.Payload, new Rejection(Rejection.Unapplied, $"{item.Twin} could not apply the message within {GiveUpAfter.TotalSeconds:0} s"));
                return Task.CompletedTask;
        }
        var entry = new HistoryEntry(item.Twin.ToString(), message.Channel == MessageChannel.Telemetry ? HistoryKind.Telemetry : HistoryKind.Event,
            message.Seq, clock.GetUtcNow(), message.Timestamp, Encoding.UTF8.GetString(item.Payload));
        return await history.Enqueue(entry, stopping);
    }

    /// <summary>
    /// Retries a failing twin with back-off. While the database or a silo is away the message waits as long as it
    /// takes (unacknowledged, so nothing is lost); any other failure is dead-lettered after <see cref="GiveUpAfter"/>
    /// instead of blocking its lane.
    /// </summary>
    async Task<ApplyOutcome?> ApplyWithRetry(TwinId twin, DeviceMessage message, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await grains.GetTwin(twin).Apply(message);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                metrics.Retry();
                Log.ApplyFailed(logger, twin.ToString(), e.Message);
                if (!IsTransient(e) && Stopwatch.GetElapsedTime(started) > GiveUpAfter)
                    return null;
                await Task.Delay(delay, stopping);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    static bool IsTransient(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is DbException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
                return true;
        return false;
    }

    async Task Acknowledge(MqttApplicationMessageReceivedEventArgs? args, Session session)
    {
        try
        {
            if (args is not null)
                await args.AcknowledgeAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // The connection dropped before the ack: the broker will redeliver, and the seq check drops the repeat.
            Log.AckFailed(logger, args!.ApplicationMessage.Topic, e.Message);
        }
        finally
        {
            metrics.Acknowledged();
            session.Settled();
        }
    }

    static byte[] Excerpt(ReadOnlySequence<byte> payload) =>
        payload.Slice(0, Math.Min(payload.Length, DeadLetters.PayloadExcerptBytes)).ToArray();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Acknowledge what was applied and stored before going; what is left unacknowledged comes again after the restart.
        await ownSession.WaitUntilQuiet(TimeSpan.Zero, () => IsConnected, cancellationToken);
        if (embedded is null)
            await connection.Disconnect();
    }

    /// <summary>Messages one MQTT session delivered and has not yet settled (acknowledged, or given up for redelivery).</summary>
    sealed class Session
    {
        long inFlight;
        long received;
        long lastArrival = Stopwatch.GetTimestamp();

        public long Received => Interlocked.Read(ref received);

        public void Arrived()
        {
            Interlocked.Increment(ref inFlight);
            Interlocked.Increment(ref received);
            Interlocked.Exchange(ref lastArrival, Stopwatch.GetTimestamp());
        }

        public void Settled() => Interlocked.Decrement(ref inFlight);

        /// <summary>Waits until nothing is in flight and nothing arrived for <paramref name="quiet"/> (or the connection is gone).</summary>
        public async Task WaitUntilQuiet(TimeSpan quiet, Func<bool> connected, CancellationToken cancellationToken)
        {
            while (connected() && !cancellationToken.IsCancellationRequested
                && (Interlocked.Read(ref inFlight) > 0 || Stopwatch.GetElapsedTime(Interlocked.Read(ref lastArrival)) < quiet))
            {
                try
                {
                    await Task.Delay(50, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    sealed record Received(TwinId Twin, MessageChannel Channel, byte[] Payload, string Topic, MqttApplicationMessageReceivedEventArgs? Args, Session Session, long ReceivedAt);
}
