using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Twin.Cli.Simulation;

/// <summary>What the simulator needs of a broker connection; a test can hand it a fake.</summary>
public interface ISimulationLink
{
    bool IsConnected { get; }

    /// <summary>Publishes with QoS 1. Calls made one after another go on the wire in that order, so each device's seq keeps rising.</summary>
    Task<PublishOutcome> Publish(string topic, byte[] payload, CancellationToken cancellationToken);

    /// <summary>Connects again and renews the command subscriptions; false when the broker is still away.</summary>
    Task<bool> TryReconnect(CancellationToken cancellationToken);
}

public readonly record struct PublishOutcome(bool Ok, string? Reason = null);

/// <summary>The broker cannot be reached or refuses the simulator; <see cref="ExitCode"/> says which.</summary>
public sealed class BrokerException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>One MQTT 5 client for every simulated device: it publishes their messages and receives their commands.</summary>
public sealed class MqttLink : ISimulationLink, IAsyncDisposable
{
    const int FiltersPerSubscribe = 100;
    static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    readonly IMqttClient client;
    readonly MqttClientOptions options;
    readonly IReadOnlyList<string> commandTopics;

    MqttLink(IMqttClient client, MqttClientOptions options, IReadOnlyList<string> commandTopics)
    {
        this.client = client;
        this.options = options;
        this.commandTopics = commandTopics;
    }

    /// <summary>The command topics the broker would not let the simulator subscribe to: those devices will not answer commands.</summary>
    public IReadOnlyList<string> Refused { get; private set; } = [];

    /// <summary>
    /// Connects, subscribes to <paramref name="commandTopics"/> (QoS 1) and hands every message on them to
    /// <paramref name="onMessage"/>, which runs on the client's receive loop and so must not wait for the broker.
    /// </summary>
    public static async Task<MqttLink> Connect(SimulationSettings settings, IReadOnlyList<string> commandTopics,
        Action<string, ReadOnlySequence<byte>> onMessage, CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            // MQTTnet fixes the socket buffers at 8 KiB unless told otherwise, which can leave a busy connection's
            // TCP window stuck below one segment (see Twin.Silo.Mqtt.MqttSockets); 1 MiB keeps the kernel's autotuning range.
            .WithTcpServer(settings.Broker.Host, settings.Broker.Port)
            .WithTcpServer(tcp =>
            {
                tcp.RemoteEndpoint = new DnsEndPoint(settings.Broker.Host, settings.Broker.Port);
                tcp.BufferSize = 1 << 20;
            })
            .WithClientId(settings.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(ConnectTimeout);
        if (settings.Username is not null)
            builder = builder.WithCredentials(settings.Username, settings.Password ?? "");
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            onMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };
        var link = new MqttLink(client, builder.Build(), commandTopics);
        try
        {
            MqttClientConnectResult result;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    result = await client.ConnectAsync(link.options, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new BrokerException($"cannot reach the MQTT broker at {settings.Broker}: no answer within {ConnectTimeout.TotalSeconds:0} s (is the silo, or the broker, running there?).", ExitCodes.Unavailable);
                }
            }
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                var why = string.IsNullOrEmpty(result.ReasonString) ? result.ResultCode.ToString() : $"{result.ResultCode}, {result.ReasonString}";
                var hint = result.ResultCode is MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadUserNameOrPassword
                    ? " (check --username and --password: the broker wants an account allowed to publish for every simulated device)"
                    : "";
                throw new BrokerException($"the MQTT broker at {settings.Broker} refused the simulator: {why}{hint}.", ExitCodes.Refused);
            }
            link.Refused = await link.Subscribe(cancellationToken);
            return link;
        }
        catch (Exception e) when (e is MqttCommunicationException or SocketException or IOException)
        {
            await link.DisposeAsync();
            throw new BrokerException($"cannot reach the MQTT broker at {settings.Broker}: {Reason(e)} (is the silo, or the broker, running there?).", ExitCodes.Unavailable);
        }
        catch
        {
            await link.DisposeAsync();
            throw;
        }
    }

    public bool IsConnected => client.IsConnected;

    public async Task<PublishOutcome> Publish(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.PublishAsync(message, cancellationToken);
        return result.IsSuccess
            ? new PublishOutcome(true)
            : new PublishOutcome(false, string.IsNullOrEmpty(result.ReasonString) ? result.ReasonCode.ToString() : $"{result.ReasonCode}, {result.ReasonString}");
    }

    public async Task<bool> TryReconnect(CancellationToken cancellationToken)
    {
        if (client.IsConnected)
            return true;
        try
        {
            var result = await client.ConnectAsync(options, cancellationToken);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                return false;
            Refused = await Subscribe(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    async Task<IReadOnlyList<string>> Subscribe(CancellationToken cancellationToken)
    {
        var refused = new List<string>();
        foreach (var batch in commandTopics.Chunk(FiltersPerSubscribe))
        {
            var builder = new MqttClientSubscribeOptionsBuilder();
            foreach (var topic in batch)
                builder = builder.WithTopicFilter(f => f.WithTopic(topic).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
            var result = await client.SubscribeAsync(builder.Build(), cancellationToken);
            // Granted QoS 0, 1 and 2 are reason codes 0 to 2; anything above is a refusal.
            refused.AddRange(result.Items.Where(i => (int)i.ResultCode > 2).Select(i => i.TopicFilter.Topic));
        }
        return refused;
    }

    static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "no such host",
                    SocketError.TimedOut => "the connection timed out",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "the host is unreachable",
                    _ => socket.Message.TrimEnd('.'),
                };
        }
        return e.Message.TrimEnd('.');
    }

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
            catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or IOException or SocketException)
            {
                // Leaving anyway: the broker drops the session when the socket closes.
            }
        }
        client.Dispose();
    }
}
