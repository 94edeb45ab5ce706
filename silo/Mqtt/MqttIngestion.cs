using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Twin.Schema;
using Twin.Silo.Topology;
using Twin.Twins;

namespace Twin.Silo.Mqtt;

/// <summary>
/// Device messages in: one MQTT client with a persistent session subscribes at QoS 1 and acknowledges a message only
/// after its twin applied it (or it was dead-lettered), so a crash in between means redelivery, not loss.
/// Messages are spread over ordered lanes by twin, so one twin's messages are applied in the order they came while
/// different twins are applied in parallel.
/// </summary>
public sealed class MqttIngestion : BackgroundService
{
    static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    readonly MqttOptions settings;
    readonly IGrainFactory grains;
    readonly DeadLetters deadLetters;
    readonly IngestMetrics metrics;
    readonly TopologyLoader topology;
    readonly ILogger<MqttIngestion> logger;
    readonly Channel<Received>[] lanes;
    readonly MqttConnection connection;

    public MqttIngestion(IOptions<MqttOptions> options, Security.SiloMqttAccount account, IGrainFactory grains, DeadLetters deadLetters, IngestMetrics metrics,
        TopologyLoader topology, ILogger<MqttIngestion> logger)
    {
        settings = options.Value;
        this.grains = grains;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.topology = topology;
        this.logger = logger;
        lanes = Enumerable.Range(0, settings.IngestLanes)
            .Select(_ => Channel.CreateBounded<Received>(new BoundedChannelOptions(settings.LaneCapacity) { SingleReader = true, SingleWriter = true }))
            .ToArray();

        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessage;
        var clientOptions = MqttClientSettings.Builder(settings, account, $"{MqttClientSettings.BaseClientId(settings)}-in")
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)TimeSpan.FromDays(1).TotalSeconds)
            .WithReceiveMaximum((ushort)Math.Min(ushort.MaxValue, settings.IngestLanes * settings.LaneCapacity))
            .Build();
        connection = new MqttConnection("ingestion", client, clientOptions, Subscribe, logger);
    }

    public bool IsConnected => connection.IsConnected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Twins must exist before their devices are heard, or early messages would be dead-lettered as unknown.
        await topology.Loaded.WaitAsync(stoppingToken);
        var workers = lanes.Select(lane => Work(lane.Reader, stoppingToken)).ToList();
        await connection.KeepConnected(stoppingToken);
        foreach (var lane in lanes)
            lane.Writer.TryComplete();
        await Task.WhenAll(workers);
    }

    async Task Subscribe(CancellationToken cancellationToken)
    {
        var prefix = settings.UseSharedSubscription ? Topics.SharedGroup : "";
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(prefix + Topics.TelemetryFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(prefix + Topics.EventFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        var result = await connection.Client.SubscribeAsync(subscribe, cancellationToken);
        foreach (var item in result.Items.Where(i => (int)i.ResultCode > 2))
            Log.SubscriptionRefused(logger, item.TopicFilter.Topic, item.ResultCode.ToString());
    }

    /// <summary>Runs on MQTTnet's receive loop: only sorts the message into its lane; the lanes do the work.</summary>
    async Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
        metrics.Received();
        e.AutoAcknowledge = false;
        var message = e.ApplicationMessage;
        var topic = message.Topic;
        var length = message.Payload.Length;

        var parsed = Topics.Parse(topic);
        if (parsed.Rejection is { } badTopic)
        {
            deadLetters.Send(topic, Excerpt(message.Payload), length, badTopic);
            await Acknowledge(e);
            return;
        }
        if (length > MessageParser.MaxPayloadBytes)
        {
            deadLetters.Send(topic, Excerpt(message.Payload), length,
                new Rejection(Rejection.TooLarge, $"payload is {length} bytes; the limit is {MessageParser.MaxPayloadBytes} bytes (64 KiB)"));
            await Acknowledge(e);
            return;
        }

        var lane = lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(parsed.Twin.Id) % lanes.Length)];
        await lane.Writer.WriteAsync(new Received(parsed.Twin, parsed.Channel, message.Payload.ToArray(), topic, e, Stopwatch.GetTimestamp()));
    }

    async Task Work(ChannelReader<Received> reader, CancellationToken stopping)
    {
        await foreach (var item in reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await Handle(item, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Not acknowledged: the broker redelivers it to this session after the restart.
                continue;
            }
            catch (Exception e)
            {
                // Whatever went wrong with one message, the lane goes on: the message is dead-lettered, not lost.
                Log.HandleFailed(logger, e, item.Topic);
                deadLetters.Send(item.Topic, item.Payload, new Rejection(Rejection.Unapplied, $"the silo failed on this message: {e.Message}"));
            }
            await Acknowledge(item.Args);
        }
    }

    async Task Handle(Received item, CancellationToken stopping)
    {
        var kind = KindRegistry.Get(item.Twin.Kind);
        var parse = MessageParser.Parse(kind.Schema, item.Channel, item.Payload);
        if (parse.Rejection is { } rejection)
        {
            deadLetters.Send(item.Topic, item.Payload, rejection);
            return;
        }

        var outcome = await ApplyWithRetry(item.Twin, parse.Message!, stopping);
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
                metrics.Duplicate(item.Twin.Kind);
                break;
            case ApplyOutcome.UnknownTwin:
                deadLetters.Send(item.Topic, item.Payload, new Rejection(Rejection.UnknownTwin, $"no {item.Twin.Kind} '{item.Twin.Id}' is provisioned in this community"));
                break;
            case null:
                deadLetters.Send(item.Topic, item.Payload, new Rejection(Rejection.Unapplied, $"{item.Twin} could not apply the message within {GiveUpAfter.TotalSeconds:0} s"));
                break;
        }
    }

    /// <summary>Retries a failing twin with back-off; after <see cref="GiveUpAfter"/> the message is dead-lettered instead of blocking its lane.</summary>
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
                if (Stopwatch.GetElapsedTime(started) > GiveUpAfter)
                    return null;
                await Task.Delay(delay, stopping);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    async Task Acknowledge(MqttApplicationMessageReceivedEventArgs args)
    {
        try
        {
            await args.AcknowledgeAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // The connection dropped before the ack: the broker will redeliver, and the seq check drops the repeat.
            Log.AckFailed(logger, args.ApplicationMessage.Topic, e.Message);
        }
        finally
        {
            metrics.Acknowledged();
        }
    }

    static byte[] Excerpt(ReadOnlySequence<byte> payload) =>
        payload.Slice(0, Math.Min(payload.Length, DeadLetters.PayloadExcerptBytes)).ToArray();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await connection.Disconnect();
    }

    sealed record Received(TwinId Twin, MessageChannel Channel, byte[] Payload, string Topic, MqttApplicationMessageReceivedEventArgs Args, long ReceivedAt);
}
