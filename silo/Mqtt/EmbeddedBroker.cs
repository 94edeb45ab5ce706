using System.Net;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Twin.Silo.Security;

namespace Twin.Silo.Mqtt;

/// <summary>The MQTT broker inside the silo (MQTTnet.Server), started when no external broker is configured.</summary>
/// <remarks>
/// Devices log in with their account from the topology and may publish only to their own telemetry and event topics
/// and subscribe only to their own command topic; the silo has its own account. Anonymous clients are admitted only
/// when the broker listens on loopback and <c>Twin:Mqtt:AllowAnonymous</c> is on (the local walk-through).
/// </remarks>
public sealed class EmbeddedBroker(IOptions<MqttOptions> options, DeviceCredentials devices, SiloMqttAccount silo, ILogger<EmbeddedBroker> logger)
    : IHostedService, IDisposable
{
    const string DeviceKey = "twin:device";
    MqttServer? server;
    bool anonymousAllowed;

    public bool IsRunning => server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsEmbedded)
            return;

        var address = IPAddress.Parse(settings.BindAddress);
        server = new MqttServerFactory().CreateMqttServer(ServerOptions(address, settings.Port));
        server.ValidatingConnectionAsync += ValidateConnection;
        server.InterceptingPublishAsync += CheckPublish;
        server.InterceptingSubscriptionAsync += CheckSubscription;
        anonymousAllowed = settings.AllowAnonymous && IPAddress.IsLoopback(address);
        await server.StartAsync();

        if (anonymousAllowed)
            Log.AnonymousBrokerClients(logger, settings.BindAddress, settings.Port);
        Log.EmbeddedBrokerStarted(logger, settings.BindAddress, settings.Port);
    }

    /// <summary>How the embedded broker is set up; the benchmarks run a bare broker with the same options to measure its own limit.</summary>
    public static MqttServerOptions ServerOptions(IPAddress address, int port) => new MqttServerOptionsBuilder()
        .WithDefaultEndpoint()
        .WithDefaultEndpointBoundIPAddress(address)
        .WithDefaultEndpointPort(port)
        .WithPersistentSessions()
        .WithMaxPendingMessagesPerClient(100_000)
        .Build();

    Task ValidateConnection(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            // MQTTnet refuses an empty id from an MQTT 3.1.1 client (dotnet/MQTTnet#2181); say why, since
            // mosquitto_pub sends one by default.
            Log.EmptyClientIdRefused(logger, e.RemoteEndPoint?.ToString() ?? "?");
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            return Task.CompletedTask;
        }
        if (string.IsNullOrEmpty(e.UserName))
        {
            if (!anonymousAllowed)
            {
                Log.ClientRefused(logger, e.ClientId, e.RemoteEndPoint?.ToString() ?? "?", "anonymous clients are not admitted (Twin:Mqtt:AllowAnonymous=false or not on loopback)");
                e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            }
            return Task.CompletedTask;
        }
        if (silo.Matches(e.UserName, e.RawPassword))
            return Task.CompletedTask;
        if (devices.Authenticate(e.UserName, e.RawPassword) is { } twin)
        {
            e.SessionItems[DeviceKey] = twin;
            return Task.CompletedTask;
        }
        Log.ClientRefused(logger, e.ClientId, e.RemoteEndPoint?.ToString() ?? "?", $"wrong username or password for '{e.UserName}'");
        e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
        return Task.CompletedTask;
    }

    Task CheckPublish(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (e.SessionItems[DeviceKey] is TwinId twin && topic != $"twin/{twin.Kind}/{twin.Id}/telemetry" && topic != $"twin/{twin.Kind}/{twin.Id}/event")
        {
            Log.DeviceOutOfBounds(logger, twin.ToString(), "publish to", topic);
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            return Task.CompletedTask;
        }
        return ingestion is not null && e.ClientId != SiloClientId && Topics.IsDeviceMessage(topic)
            ? ingestion(e.ApplicationMessage)
            : Task.CompletedTask;
    }

    Func<MqttApplicationMessage, Task>? ingestion;

    /// <summary>
    /// Ingestion in process: every device message the broker accepts is handed to <paramref name="ingest"/> on its way
    /// to the subscribers, instead of to a subscribed client over TCP. The broker and the twins share the process, so
    /// what a loopback client's session would hold is lost with it just the same; back-pressure reaches the device
    /// connection, whose next message waits while <paramref name="ingest"/> does.
    /// </summary>
    public void Ingest(Func<MqttApplicationMessage, Task> ingest) => ingestion = ingest;

    Task CheckSubscription(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems[DeviceKey] is TwinId twin && e.TopicFilter.Topic != $"twin/{twin.Kind}/{twin.Id}/command")
        {
            Log.DeviceOutOfBounds(logger, twin.ToString(), "subscribe to", e.TopicFilter.Topic);
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Hands a message the silo itself publishes (state, commands, dead letters) straight to the broker's subscribers:
    /// no client connection, no TCP round trip and no acknowledgement to the silo's own broker.
    /// </summary>
    public Task Inject(MqttApplicationMessage message, CancellationToken cancellationToken) =>
        server is { IsStarted: true } running
            ? running.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = SiloClientId }, cancellationToken)
            : throw new InvalidOperationException("the embedded broker is not running");

    /// <summary>The sessions the broker holds, of connected clients and of clients that went away.</summary>
    public Task<IList<MqttSessionStatus>> Sessions() =>
        server is { IsStarted: true } running ? running.GetSessionsAsync() : Task.FromResult<IList<MqttSessionStatus>>([]);

    /// <summary>The ids of the clients connected now.</summary>
    public async Task<HashSet<string>> ConnectedClients() =>
        server is { IsStarted: true } running ? [.. (await running.GetClientsAsync()).Select(c => c.Id)] : [];

    /// <summary>The sender named on what the silo injects, as it shows in the broker's interceptors.</summary>
    public const string SiloClientId = "twin-silo";

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
            await server.StopAsync();
    }

    public void Dispose() => server?.Dispose();
}
