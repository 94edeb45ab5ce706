using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Twin.Bench.Load;
using Twin.Bench.Processes;
using Twin.Bench.Reporting;
using Twin.Silo.Mqtt;

namespace Twin.Bench.Scenarios;

/// <summary>
/// Point 5a: under half the sustained load, a household's smoke alarm goes off; the measure is the time until every gate
/// of the community has been sent its <c>evacuation</c> command. The gates answer each command like devices (a
/// <c>command_ack</c>), and between drills a coordinator closes the incident and waits for the gates to go back to normal.
/// </summary>
public static class SafetyScenario
{
    public static async Task Measure(BenchContext context, SiloProcess silo, Traffic traffic, Topology topology, double maxRate)
    {
        var drills = context.Profile.Drills;
        var gates = GateIds(topology.Path);
        Report.Step($"life safety: {drills} fire drills under {Format.Rate(maxRate / 2)}, {gates.Count} gates");
        var households = traffic.Devices.Where(d => d.Kind == "household").ToList();

        await using var gateDevices = await GateDevices.Connect(silo.Broker, gates);
        await using var publisher = await LoadPublisher.Connect(silo.Broker, traffic);
        await using var states = await MqttObserver.States(silo.Broker, traffic);
        var log = new SentLog(traffic.Devices.Count);
        var load = new Observation(log);
        states.Watch(load);
        using var stop = new CancellationTokenSource();
        var loading = publisher.Paced(log, maxRate / 2, stop.Token);
        await Task.Delay(context.Profile.Latency.Warmup);

        var times = new List<double>();
        var failed = 0;
        var loadStarted = Stopwatch.GetTimestamp();
        var seenBefore = load.Count;
        for (var drill = 0; drill < drills; drill++)
        {
            var household = households[drill * 37 % households.Count];
            var evacuated = gateDevices.Expect("evacuation");
            var started = Stopwatch.GetTimestamp();
            await publisher.PublishOne(household.EventTopic, Encoding.UTF8.GetBytes("{\"type\":\"smoke_alarm\"}"));
            var publishedAt = DateTime.UtcNow;
            if (await evacuated.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully))
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            else
                failed++;
            if (Runs.Trace)
                Console.WriteLine($"    drill {drill + 1}: household {household.Id} at {publishedAt:HH:mm:ss.fff}, every gate after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
            var normal = gateDevices.Expect("normal");
            await CloseActiveIncidents(silo.Api);
            await normal.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        }
        var applied = (load.Count - seenBefore) / Stopwatch.GetElapsedTime(loadStarted).TotalSeconds;
        await stop.CancelAsync();
        await loading;
        states.Watch(null);

        var latency = Percentiles.Of(times);
        context.Report.Add("life safety", $"smoke alarm → all {gates.Count} gates sent evacuation, p50 / p99 / max of {times.Count} drills (load {Format.Rate(applied)} applied)",
            $"{Format.Ms(latency.P50)} / {Format.Ms(latency.P99)} / {Format.Ms(latency.Max)}", "p99 < 500 ms", failed == 0 && latency.P99 < 500);
        if (failed > 0)
            context.Report.Note($"life safety: {failed} of {drills} drills did not reach every gate within 10 s");
    }

    static List<string> GateIds(string topology)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(topology));
        return document.RootElement.GetProperty("gates").EnumerateArray().Select(g => g.GetProperty("id").GetString()!).ToList();
    }

    static async Task CloseActiveIncidents(HttpClient api)
    {
        using var list = JsonDocument.Parse(await api.GetStringAsync("/api/incidents?status=active"));
        foreach (var incident in list.RootElement.GetProperty("items").EnumerateArray())
        {
            using var closed = await api.PostAsJsonAsync($"/api/incidents/{incident.GetProperty("id").GetString()}/close", new { });
        }
    }

    /// <summary>The community's gates as devices: they receive their commands, acknowledge each, and tell who waits for a mode.</summary>
    sealed class GateDevices : IAsyncDisposable
    {
        readonly IMqttClient client;
        readonly IReadOnlyList<string> gates;
        (string Mode, HashSet<string> Pending, TaskCompletionSource Done)? waiting;
        readonly Lock gate = new();

        GateDevices(IMqttClient client, IReadOnlyList<string> gates)
        {
            this.client = client;
            this.gates = gates;
        }

        public static async Task<GateDevices> Connect(BrokerEndpoint broker, IReadOnlyList<string> gates)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var devices = new GateDevices(client, gates);
            client.ApplicationMessageReceivedAsync += e => devices.OnCommand(e.ApplicationMessage);
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithBroker(broker.Host, broker.Port)
                .WithClientId($"bench-gates-{Guid.NewGuid():N}"[..28]).WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(true).Build());
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic("twin/gate/+/command").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
            return devices;
        }

        /// <summary>Completes once every gate has been sent a <c>set_mode</c> to <paramref name="mode"/> after this call.</summary>
        public Task Expect(string mode)
        {
            lock (gate)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiting = (mode, [.. gates], done);
                return done.Task;
            }
        }

        Task OnCommand(MqttApplicationMessage message)
        {
            var gateId = message.Topic.Split('/')[2];
            using var command = JsonDocument.Parse(System.Buffers.BuffersExtensions.ToArray(message.Payload));
            var root = command.RootElement;
            var mode = root.TryGetProperty("args", out var args) && args.TryGetProperty("mode", out var m) ? m.GetString() : null;
            lock (gate)
            {
                if (waiting is { } w && w.Mode == mode && w.Pending.Remove(gateId) && w.Pending.Count == 0)
                    w.Done.TrySetResult();
            }
            // Acknowledge off the receive loop: MQTTnet does not let a handler wait for its own client's publish.
            var ack = Encoding.UTF8.GetBytes($"{{\"type\":\"command_ack\",\"commandId\":\"{root.GetProperty("id").GetString()}\",\"ok\":true}}");
            _ = Task.Run(() => client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"twin/gate/{gateId}/event").WithPayload(ack)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()));
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
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
