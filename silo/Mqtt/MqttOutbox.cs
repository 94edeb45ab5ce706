using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Twin.Silo.Mqtt;

/// <summary>
/// Everything the silo publishes (retained state, commands, dead letters) goes through here: grains hand a message
/// over without waiting, and a few ordered lanes publish it at QoS 1. A topic always takes the same lane, so a twin's
/// retained state can never be overtaken by an older one. With the embedded broker the lanes hand messages to it
/// directly; with an external broker they publish through a client connection of their own.
/// </summary>
public sealed class MqttOutbox : BackgroundService
{
    readonly OutboxLane[] lanes;
    readonly MqttConnection connection;
    readonly EmbeddedBroker? embedded;
    readonly IngestMetrics metrics;
    readonly ILogger<MqttOutbox> logger;

    public MqttOutbox(IOptions<MqttOptions> options, IOptions<Cluster.SiloIdentity> identity, Security.SiloMqttAccount account, EmbeddedBroker broker,
        IngestMetrics metrics, ILogger<MqttOutbox> logger)
    {
        this.metrics = metrics;
        this.logger = logger;
        var settings = options.Value;
        embedded = settings.InProcess ? broker : null;
        var perLane = Math.Max(1, settings.OutboxCapacity / settings.OutboxLaneCount);
        lanes = Enumerable.Range(0, settings.OutboxLaneCount).Select(_ => new OutboxLane(perLane)).ToArray();
        var clientOptions = MqttClientSettings.Builder(settings, account, $"{MqttClientSettings.BaseClientId(settings, identity.Value)}-out")
            .WithCleanStart(true)
            .Build();
        connection = new MqttConnection("publisher", new MqttClientFactory().CreateMqttClient(), clientOptions, _ => Task.CompletedTask, logger);
    }

    public bool IsConnected => embedded?.IsRunning ?? connection.IsConnected;

    public void Publish(string topic, byte[] payload, bool retain, string what)
    {
        var lane = lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(topic) % lanes.Length)];
        if (lane.Offer(new OutgoingMessage(topic, payload, retain, what, Stopwatch.GetTimestamp()), out var superseded))
        {
            if (superseded is { } older)
                metrics.Superseded(older.What);
            else
                metrics.Enqueued();
        }
        else
        {
            metrics.Dropped(what);
            Log.OutboxFull(logger, topic);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var keeper = embedded is null ? connection.KeepConnected(stoppingToken) : Task.CompletedTask;
        await Task.WhenAll(lanes.Select(lane => Drain(lane, stoppingToken)).Append(keeper));
    }

    async Task Drain(OutboxLane lane, CancellationToken stopping)
    {
        try
        {
            if (embedded is null)
                await connection.FirstConnected.WaitAsync(stopping);
            await foreach (var message in lane.ReadAllAsync(stopping))
            {
                var mqttMessage = new MqttApplicationMessage
                {
                    Topic = message.Topic,
                    Payload = new ReadOnlySequence<byte>(message.Payload),
                    Retain = message.Retain,
                    QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                    ContentType = "application/json",
                };
                await PublishUntilSent(mqttMessage, stopping);
                metrics.Published(message.What, Stopwatch.GetElapsedTime(message.Enqueued).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    async Task PublishUntilSent(MqttApplicationMessage message, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (embedded is not null)
                {
                    await embedded.Inject(message, stopping);
                    return;
                }
                if (connection.IsConnected)
                {
                    await connection.Client.PublishAsync(message, stopping);
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt == 1)
                    Log.PublishFailed(logger, message.Topic, e.Message);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * attempt, 1000)), stopping);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in lanes)
            lane.Complete();
        await base.StopAsync(cancellationToken);
        if (embedded is null)
            await connection.Disconnect();
    }

}

static class MqttClientSettings
{
    /// <summary>Named after the silo (see <see cref="Cluster.SiloIdentity"/>), so the others can find a dead silo's ingestion session.</summary>
    public static string BaseClientId(MqttOptions settings, Cluster.SiloIdentity identity) => settings.ClientId ?? BaseClientId(identity.SiloName);

    public static string BaseClientId(string siloName) => $"twin-{siloName}";

    public static string IngestionClientId(string baseClientId) => $"{baseClientId}-in";

    public static MqttClientOptionsBuilder Builder(MqttOptions settings, Security.SiloMqttAccount account, string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithBroker(settings.BrokerHost, settings.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (account.Username is not null)
            builder = builder.WithCredentials(account.Username, account.Password ?? "");
        return builder;
    }
}
