using MQTTnet;

namespace Twin.Silo.Mqtt;

/// <summary>
/// Keeps one MQTT client connected: connects, runs <c>onConnected</c> (subscribe), then pings; reconnects when a ping
/// fails. Reconnecting from a ping loop rather than the Disconnected event follows MQTTnet's own advice.
/// </summary>
public sealed class MqttConnection(string name, IMqttClient client, MqttClientOptions options, Func<CancellationToken, Task> onConnected, ILogger logger)
{
    readonly TaskCompletionSource connectedOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IMqttClient Client => client;

    public bool IsConnected => client.IsConnected;

    /// <summary>Completes when the first connection is up.</summary>
    public Task FirstConnected => connectedOnce.Task;

    public async Task KeepConnected(CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (!await client.TryPingAsync(stopping))
                {
                    await client.ConnectAsync(options, stopping);
                    await onConnected(stopping);
                    Log.MqttConnected(logger, name, options.ClientId, Endpoint);
                    connectedOnce.TrySetResult();
                    delay = TimeSpan.FromMilliseconds(200);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Log.MqttConnectFailed(logger, name, Endpoint, e.Message);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }

            try
            {
                await Task.Delay(client.IsConnected ? TimeSpan.FromSeconds(2) : delay, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async Task Disconnect()
    {
        if (client.IsConnected)
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
    }

    string Endpoint => options.ChannelOptions is MqttClientTcpOptions { RemoteEndpoint: System.Net.DnsEndPoint dns } ? $"{dns.Host}:{dns.Port}"
        : options.ChannelOptions is MqttClientTcpOptions tcp ? tcp.RemoteEndpoint?.ToString() ?? "?" : "?";
}
