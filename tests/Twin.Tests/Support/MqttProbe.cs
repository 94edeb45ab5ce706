using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;
using Twin.Silo.Mqtt;

namespace Twin.Tests.Support;

/// <summary>A real MQTT client for tests: publishes as a device and collects what arrives on its subscriptions.</summary>
public sealed class MqttProbe : IAsyncDisposable
{
    readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    readonly Channel<ReceivedMessage> received = Channel.CreateUnbounded<ReceivedMessage>();
    readonly List<ReceivedMessage> seen = [];

    /// <param name="sessionExpirySeconds">Keep the session this long after disconnecting (MQTT 5); none by default.</param>
    public static async Task<MqttProbe> Connect(int port, string? host = null, string? username = null, string? password = null, uint sessionExpirySeconds = 0)
    {
        var probe = new MqttProbe();
        probe.client.ApplicationMessageReceivedAsync += e =>
        {
            probe.received.Writer.TryWrite(new ReceivedMessage(e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithBroker(host ?? "127.0.0.1", port)
            .WithClientId($"probe-{Guid.NewGuid():N}"[..20])
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(sessionExpirySeconds == 0)
            .WithSessionExpiryInterval(sessionExpirySeconds);
        if (username is not null)
            options = options.WithCredentials(username, password ?? "");
        var result = await probe.client.ConnectAsync(options.Build());
        if (result.ResultCode != MQTTnet.MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
        return probe;
    }

    public async Task Subscribe(params string[] filters)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
            builder = builder.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        var result = await client.SubscribeAsync(builder.Build());
        var refused = result.Items.Where(i => (int)i.ResultCode > 2).Select(i => $"{i.TopicFilter.Topic}: {i.ResultCode}").ToList();
        if (refused.Count > 0)
            throw new InvalidOperationException($"subscription refused: {string.Join(", ", refused)}");
    }

    public Task Publish(string topic, string payload) => Publish(topic, Encoding.UTF8.GetBytes(payload));

    public Task Publish(string topic, object payload) => Publish(topic, JsonSerializer.SerializeToUtf8Bytes(payload));

    public async Task Publish(string topic, byte[] payload)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        var result = await client.PublishAsync(message);
        if (!result.IsSuccess)
            throw new InvalidOperationException($"publish to {topic} failed: {result.ReasonCode}");
    }

    /// <summary>Waits for a message on <paramref name="topic"/> whose payload satisfies <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitFor(string topic, Func<JsonElement, bool>? match = null, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        lock (seen)
        {
            foreach (var old in seen.Where(m => m.Topic == topic))
                if (Matches(old, match, out var element))
                    return element;
        }
        try
        {
            while (true)
            {
                var message = await received.Reader.ReadAsync(timeout.Token);
                lock (seen)
                    seen.Add(message);
                if (message.Topic == topic && Matches(message, match, out var element))
                    return element;
            }
        }
        catch (OperationCanceledException)
        {
            string[] topics;
            lock (seen)
                topics = seen.Select(m => $"{m.Topic} {m.Payload}").TakeLast(10).ToArray();
            throw new TimeoutException($"No matching message on {topic}. Last received:\n{string.Join("\n", topics)}");
        }
    }

    /// <summary>Every message received on <paramref name="topic"/> so far (after draining what is queued).</summary>
    public IReadOnlyList<JsonElement> Received(string topic)
    {
        lock (seen)
        {
            while (received.Reader.TryRead(out var message))
                seen.Add(message);
            return seen.Where(m => m.Topic == topic).Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone()).ToList();
        }
    }

    /// <summary>The <c>lastSeq</c> of a twin's state, or -1 before its device sent a seq.</summary>
    public static long LastSeq(JsonElement twin) => twin.TryGetProperty("lastSeq", out var seq) ? seq.GetInt64() : -1;

    static bool Matches(ReceivedMessage message, Func<JsonElement, bool>? match, out JsonElement element)
    {
        element = JsonDocument.Parse(message.Payload).RootElement.Clone();
        return match is null || match(element);
    }

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
            await client.DisconnectAsync();
        client.Dispose();
    }

    sealed record ReceivedMessage(string Topic, string Payload, bool Retained);
}
