using System.Net;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Twin.Silo.Mqtt;

/// <summary>The MQTT broker inside the silo (MQTTnet.Server), started when no external broker is configured.</summary>
public sealed class EmbeddedBroker(IOptions<MqttOptions> options, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    MqttServer? server;

    public bool IsRunning => server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsEmbedded)
            return;

        var address = IPAddress.Parse(settings.BindAddress);
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(settings.Port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(100_000)
            .Build();
        server = new MqttServerFactory().CreateMqttServer(serverOptions);
        server.ValidatingConnectionAsync += ValidateConnection;
        await server.StartAsync();

        if (settings.AllowAnonymous && IPAddress.IsLoopback(address))
            Log.AnonymousBrokerClients(logger, settings.BindAddress, settings.Port);
        Log.EmbeddedBrokerStarted(logger, settings.BindAddress, settings.Port);
    }

    Task ValidateConnection(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            // MQTTnet refuses an empty id from an MQTT 3.1.1 client (dotnet/MQTTnet#2181); say why, since
            // mosquitto_pub sends one by default.
            Log.EmptyClientIdRefused(logger, e.RemoteEndPoint?.ToString() ?? "?");
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
            await server.StopAsync();
    }

    public void Dispose() => server?.Dispose();
}
