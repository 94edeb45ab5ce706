using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Twin.Bench.Processes;
using Twin.Silo.Mqtt;

namespace Twin.Bench.Load;

/// <summary>
/// Plays the devices: a few MQTT 5 connections, each publishing the telemetry of its share of the devices at QoS 1,
/// many messages in flight at once. Either as fast as a window of unanswered messages allows (closed loop: the highest
/// rate the system sustains without queues growing), or at a fixed rate (open loop: latency at a given load).
/// </summary>
public sealed class LoadPublisher : IAsyncDisposable
{
    const int MaxUnackedPerConnection = 4096;
    readonly IReadOnlyList<IMqttClient> clients;
    readonly Traffic traffic;
    long failed;

    LoadPublisher(IReadOnlyList<IMqttClient> clients, Traffic traffic)
    {
        this.clients = clients;
        this.traffic = traffic;
    }

    /// <summary>Publishes the broker refused or that failed on the wire.</summary>
    public long Failed => Interlocked.Read(ref failed);

    public static async Task<LoadPublisher> Connect(BrokerEndpoint broker, Traffic traffic, int connections = 4)
    {
        var clients = new List<IMqttClient>();
        for (var i = 0; i < connections; i++)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithBroker(broker.Host, broker.Port)
                .WithClientId($"bench-devices-{i}-{Guid.NewGuid():N}"[..30])
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(true)
                .WithTimeout(TimeSpan.FromSeconds(10))
                .Build());
            clients.Add(client);
        }
        return new LoadPublisher(clients, traffic);
    }

    /// <summary>Publishes as fast as <paramref name="window"/> lets it: one permit per message, given back when the message is seen.</summary>
    public Task ClosedLoop(SentLog log, SemaphoreSlim window, CancellationToken stop) =>
        Task.WhenAll(clients.Select((client, c) => Task.Run(() => Publish(client, c, log, _ => window.WaitAsync(stop), stop), CancellationToken.None)));

    /// <summary>Publishes <paramref name="rate"/> messages a second in all, spread evenly over time and devices.</summary>
    public Task Paced(SentLog log, double rate, CancellationToken stop)
    {
        var perConnection = rate / clients.Count;
        return Task.WhenAll(clients.Select((client, c) => Task.Run(() =>
        {
            var started = Stopwatch.GetTimestamp();
            long sent = 0;
            return Publish(client, c, log, async _ =>
            {
                // Send what is due by now; when ahead of the schedule, wait for the next millisecond.
                while (sent >= Stopwatch.GetElapsedTime(started).TotalSeconds * perConnection)
                    await Task.Delay(1, stop);
                sent++;
            }, stop);
        }, CancellationToken.None)));
    }

    async Task Publish(IMqttClient client, int connection, SentLog log, Func<long, Task> beforeEach, CancellationToken stop)
    {
        var own = Enumerable.Range(0, traffic.Devices.Count).Where(d => d % clients.Count == connection).ToArray();
        // Not disposed: acknowledgements still on their way release it after the loop ends.
        var unacked = new SemaphoreSlim(MaxUnackedPerConnection);
        try
        {
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                await beforeEach(n);
                await unacked.WaitAsync(stop);
                var device = own[n % own.Length];
                var seq = log.Next(device, Stopwatch.GetTimestamp());
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(traffic.Devices[device].TelemetryTopic)
                    .WithPayload(traffic.Telemetry(device, seq, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                _ = Acknowledged(client.PublishAsync(message, CancellationToken.None), unacked);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    async Task Acknowledged(Task<MqttClientPublishResult> publish, SemaphoreSlim unacked)
    {
        try
        {
            var result = await publish;
            if (!result.IsSuccess)
                Interlocked.Increment(ref failed);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref failed);
        }
        finally
        {
            unacked.Release();
        }
    }

    /// <summary>Publishes one message (an event for a drill, a command's ack) on the first connection.</summary>
    public Task PublishOne(string topic, byte[] payload) =>
        clients[0].PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            try
            {
                if (client.IsConnected)
                    await client.DisconnectAsync();
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
            }
            client.Dispose();
        }
    }
}
