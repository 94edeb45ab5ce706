using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Twin.Silo.Mqtt;

namespace Twin.Tests.Support;

/// <summary>A device the simulator speaks for: its twin's address and the telemetry it sends for each seq.</summary>
public sealed record SimulatedDevice(string Kind, string Id, Func<ulong, ImmutableDictionary<string, object>> Reading)
{
    public string Subject => $"{Kind}/{Id}";

    public string Topic => $"twin/{Kind}/{Id}/telemetry";

    /// <summary>
    /// A lamp in daylight (lux ≥ 50) that is already off: valid readings that change with every seq, and no
    /// <c>set_brightness</c> commands, so the twin's state is exactly what the device last reported.
    /// </summary>
    public static SimulatedDevice Lamp(string id) => new("lamp", id, seq => ImmutableDictionary<string, object>.Empty
        .Add("lux", 50 + seq % 1000 + 0.25)
        .Add("brightness", 0)
        .Add("motion", seq % 2 == 0)
        .Add("powerW", seq % 7 * 0.5));

    /// <summary>A bin that stays below 80 % and 60 °C, so it opens no work orders and raises no fire.</summary>
    public static SimulatedDevice Bin(string id) => new("bin", id, seq => ImmutableDictionary<string, object>.Empty
        .Add("fillPercent", seq % 79 + 0.5)
        .Add("temperatureC", 15 + seq % 20));
}

/// <summary>What the simulator published for one device: every seq from 1 to <see cref="LastSeq"/>, the last with these fields.</summary>
public sealed record PublishedDevice(SimulatedDevice Device, ulong LastSeq, ImmutableDictionary<string, object> LastFields);

/// <summary>
/// Devices publishing telemetry through one MQTT 5 client at a steady total rate, round robin, each with its own seq
/// counting up from 1. Every publish waits for the broker's PUBACK (QoS 1), so what it records as published is what the
/// broker took responsibility for.
/// </summary>
public sealed class DeviceSimulator : IAsyncDisposable
{
    readonly IMqttClient client;
    readonly IReadOnlyList<SimulatedDevice> devices;
    readonly ConcurrentDictionary<string, PublishedDevice> published = new();
    readonly CancellationTokenSource stop = new();
    readonly Stopwatch running = new();
    Task? loop;
    long total;
    long lastUnixMs;

    DeviceSimulator(IMqttClient client, IReadOnlyList<SimulatedDevice> devices)
    {
        this.client = client;
        this.devices = devices;
    }

    public static async Task<DeviceSimulator> Connect(string host, int port, string clientId, IReadOnlyList<SimulatedDevice> devices)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithBroker(host, port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .Build();
        var result = await client.ConnectAsync(options);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new InvalidOperationException($"the broker refused the simulator {clientId}: {result.ResultCode} {result.ReasonString}");
        }
        return new DeviceSimulator(client, devices);
    }

    /// <summary>Messages the broker acknowledged so far.</summary>
    public long Total => Interlocked.Read(ref total);

    public TimeSpan Elapsed => running.Elapsed;

    /// <summary>Per device (by <c>kind/id</c>): the last seq published and its fields. Devices not yet heard from are absent.</summary>
    public IReadOnlyDictionary<string, PublishedDevice> Published => published;

    /// <summary>Starts publishing in the background, <paramref name="messagesPerSecond"/> in total across the devices.</summary>
    public void Start(double messagesPerSecond)
    {
        if (loop is not null)
            throw new InvalidOperationException("the simulator is already running");
        loop = Task.Run(() => Publish(messagesPerSecond, stop.Token));
    }

    /// <summary>Stops publishing after the message in flight is acknowledged; rethrows whatever stopped it early.</summary>
    public async Task Stop()
    {
        if (loop is null)
            return;
        await stop.CancelAsync();
        await loop;
        running.Stop();
    }

    /// <summary>Fails the test with the reason if publishing stopped on its own (the broker went away).</summary>
    public void ThrowIfFailed()
    {
        if (loop is { IsFaulted: true })
            loop.GetAwaiter().GetResult();
    }

    async Task Publish(double messagesPerSecond, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1 / messagesPerSecond);
        var seqs = new ulong[devices.Count];
        running.Start();
        for (long n = 0; !cancellationToken.IsCancellationRequested; n++)
        {
            // Paced against the start, not the previous message, so a slow PUBACK is caught up on rather than lost.
            var due = interval * n - running.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            var index = (int)(n % devices.Count);
            var device = devices[index];
            var seq = ++seqs[index];
            var fields = device.Reading(seq);
            var payload = new Dictionary<string, object>(fields) { ["seq"] = seq, ["ts"] = NextTimestamp() };
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(device.Topic)
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            // Not cancelled: once sent, the message counts only when the broker has acknowledged it.
            var result = await client.PublishAsync(message, CancellationToken.None);
            if (!result.IsSuccess)
                throw new InvalidOperationException($"the broker did not accept {device.Topic} seq {seq}: {result.ReasonCode} {result.ReasonString}");
            published[device.Subject] = new PublishedDevice(device, seq, fields);
            Interlocked.Increment(ref total);
        }
    }

    /// <summary>Unix milliseconds, strictly increasing, so no reading looks older than the one before it.</summary>
    long NextTimestamp()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lastUnixMs = Math.Max(now, lastUnixMs + 1);
        return lastUnixMs;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Stop();
        }
        catch (Exception)
        {
            // Disposing after a failure the test has already reported (or will, from Stop).
        }
        if (client.IsConnected)
            await client.DisconnectAsync();
        client.Dispose();
        stop.Dispose();
    }
}
