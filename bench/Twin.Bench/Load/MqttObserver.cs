using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Twin.Bench.Processes;
using Twin.Silo.Mqtt;

namespace Twin.Bench.Load;

/// <summary>
/// One plain MQTT subscriber at QoS 1: on the devices' own telemetry topics it measures the broker's relay, on the
/// twins' retained state topics it measures Twin. Whatever it sees goes to the current <see cref="Observation"/>.
/// </summary>
public sealed class MqttObserver : IAsyncDisposable
{
    readonly IMqttClient client;
    readonly Traffic traffic;
    readonly byte[] property;
    Observation? current;

    MqttObserver(IMqttClient client, Traffic traffic, byte[] property)
    {
        this.client = client;
        this.traffic = traffic;
        this.property = property;
    }

    /// <summary>Subscribes to every device's telemetry, as the broker relays it.</summary>
    public static Task<MqttObserver> Telemetry(BrokerEndpoint broker, Traffic traffic, bool persistentSession = false) =>
        Connect(broker, traffic, "twin/+/+/telemetry", SeqReader.Seq, persistentSession);

    /// <summary>Subscribes to every twin's retained state, as Twin publishes it after applying a message.</summary>
    public static Task<MqttObserver> States(BrokerEndpoint broker, Traffic traffic) =>
        Connect(broker, traffic, "twin/+/+/state", SeqReader.LastSeq, persistentSession: false);

    static async Task<MqttObserver> Connect(BrokerEndpoint broker, Traffic traffic, string filter, byte[] property, bool persistentSession)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var observer = new MqttObserver(client, traffic, property);
        client.ApplicationMessageReceivedAsync += e =>
        {
            observer.OnMessage(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        // The same session settings as Twin's ingestion client: MQTT 5, QoS 1, a receive maximum of 8,192.
        var options = new MqttClientOptionsBuilder()
            .WithBroker(broker.Host, broker.Port)
            .WithClientId($"bench-observer-{Guid.NewGuid():N}"[..28])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(!persistentSession)
            .WithSessionExpiryInterval(persistentSession ? 3600u : 0u)
            .WithReceiveMaximum(8192)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        await client.ConnectAsync(options);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
        return observer;
    }

    public void Watch(Observation? observation) => Volatile.Write(ref current, observation);

    void OnMessage(MqttApplicationMessage message)
    {
        if (Volatile.Read(ref current) is not { } observation)
            return;
        if (traffic.ByTopicOrAddress.TryGetValue(message.Topic, out var device) && SeqReader.TryRead(message.Payload, property, out var seq))
            observation.Seen(device, seq);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (client.IsConnected)
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(0).Build());
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
        }
        client.Dispose();
    }
}
