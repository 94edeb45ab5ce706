using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Twin.Bench.Load;
using Twin.Bench.Processes;
using Twin.Bench.Reporting;
using Twin.Silo.Mqtt;

namespace Twin.Bench.Scenarios;

/// <summary>
/// Point 4's broker costs, measured on the bare MQTTnet broker: what a persistent session costs the subscriber's relay
/// rate, what a thousand idle device sessions cost, and what a retained message per twin costs in memory.
/// </summary>
public static class BrokerCostScenario
{
    public static async Task Measure(BenchContext context, Traffic traffic, int retainedTopics)
    {
        Report.Step("broker costs: MQTTnet with persistent sessions and many topics");
        var report = context.Report;
        await using (var broker = await BrokerProcess.StartBare(context.Workspace))
        {
            await using var publisher = await LoadPublisher.Connect(broker.Endpoint, traffic);
            var clean = new List<double>();
            var persistent = new List<double>();
            for (var i = 0; i < context.Profile.Repetitions; i++)
            {
                await using (var observer = await MqttObserver.Telemetry(broker.Endpoint, traffic))
                    clean.Add((await Runs.MaxRate(publisher, observer.Watch, traffic.Devices.Count, context.Profile.Throughput, context.Profile.Window)).Rate);
                await using (var observer = await MqttObserver.Telemetry(broker.Endpoint, traffic, persistentSession: true))
                    persistent.Add((await Runs.MaxRate(publisher, observer.Watch, traffic.Devices.Count, context.Profile.Throughput, context.Profile.Window)).Rate);
            }
            report.Add("broker", "bare MQTTnet relay, subscriber with a clean session", Format.Spread(clean, Format.Rate));
            report.Add("broker", "bare MQTTnet relay, subscriber with a persistent session (as Twin's ingestion)", Format.Spread(persistent, Format.Rate));

            var idle = await IdleDeviceSessions(broker.Endpoint, traffic, 1_000);
            var withIdle = new List<double>();
            await using (var observer = await MqttObserver.Telemetry(broker.Endpoint, traffic, persistentSession: true))
                for (var i = 0; i < context.Profile.Repetitions; i++)
                    withIdle.Add((await Runs.MaxRate(publisher, observer.Watch, traffic.Devices.Count, context.Profile.Throughput, context.Profile.Window)).Rate);
            report.Add("broker", "the same with 1,000 device sessions connected (persistent, each subscribed to its command topic)", Format.Spread(withIdle, Format.Rate));
            foreach (var client in idle)
                client.Dispose();
        }

        await using (var broker = await BrokerProcess.StartBare(context.Workspace))
        {
            var before = broker.Process.ResidentBytes();
            await using var publisher = await LoadPublisher.Connect(broker.Endpoint, traffic, connections: 1);
            // About the size of a twin's retained state.
            var state = Encoding.UTF8.GetBytes("{\"kind\":\"household\",\"id\":\"B001-01-0101\",\"community\":\"bench\",\"building\":\"B001\",\"covers\":[],\"reported\":{\"occupied\":true},"
                + "\"desired\":{\"settings\":{},\"pending\":[]},\"status\":\"ok\",\"alarms\":[],\"updatedAt\":\"2026-11-23T12:00:00+00:00\",\"version\":42,\"lastSeq\":1234567,"
                + "\"profile\":{\"floor\":1,\"unit\":\"0101\",\"x\":120.5,\"y\":80.25}}");
            var client = await Connect(broker.Endpoint, "bench-retained");
            for (var i = 0; i < retainedTopics; i += 500)
                await Task.WhenAll(Enumerable.Range(i, Math.Min(500, retainedTopics - i)).Select(n => client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"twin/household/H{n:D6}/state").WithPayload(state).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())));
            await Task.Delay(1000);
            var after = broker.Process.ResidentBytes();
            client.Dispose();
            report.Add("broker", $"bare MQTTnet memory per retained state message ({retainedTopics:N0} topics of {state.Length} bytes)",
                Format.Bytes((after - before) / (double)retainedTopics));
        }
    }

    static async Task<List<IMqttClient>> IdleDeviceSessions(BrokerEndpoint broker, Traffic traffic, int count)
    {
        var clients = new List<IMqttClient>();
        foreach (var device in traffic.Devices.Take(count))
        {
            var client = await Connect(broker, $"bench-idle-{device.Id}", persistent: true);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic($"twin/{device.Kind}/{device.Id}/command").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
            clients.Add(client);
        }
        return clients;
    }

    static async Task<IMqttClient> Connect(BrokerEndpoint broker, string clientId, bool persistent = false)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithBroker(broker.Host, broker.Port).WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(!persistent).WithSessionExpiryInterval(persistent ? 3600u : 0u).Build());
        return client;
    }
}
