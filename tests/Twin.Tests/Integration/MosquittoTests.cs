using System.Diagnostics;
using Twin.Silo.Mqtt;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

/// <summary>The same silo against a real mosquitto 2.0 (installed by scripts/test.sh), through the shared subscription.</summary>
public sealed class MosquittoFixture : SiloFixture
{
    Process? mosquitto;
    string? configPath;

    /// <summary>The installed mosquitto's own name for itself, as in <c>$SYS/broker/version</c> ("mosquitto version 2.0.11").</summary>
    public string? Version { get; private set; }

    // Which broker the silo found is logged at Information; the fixture's default shows warnings only.
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Logging:LogLevel:Twin.Silo.Mqtt.MqttIngestion", "Information")];

    public override async Task InitializeAsync()
    {
        var binary = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mosquitto is not installed: run scripts/test.sh, which installs it (apt-get install mosquitto).");
        configPath = Path.Combine(Path.GetTempPath(), $"twin-mosquitto-{MqttPort}.conf");
        await File.WriteAllTextAsync(configPath, $"""
            listener {MqttPort} 127.0.0.1
            allow_anonymous true
            persistence false
            max_inflight_messages 1000
            max_queued_messages 100000
            """);
        using (var help = Process.Start(new ProcessStartInfo(binary, ["-h"]) { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            Version = (await help.StandardOutput.ReadLineAsync())?.Trim();
            await help.WaitForExitAsync();
        }
        mosquitto = Process.Start(new ProcessStartInfo(binary, ["-c", configPath]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("mosquitto did not start");
        ExternalBrokerHost = "127.0.0.1";
        await Eventually.True(async () =>
        {
            try
            {
                await using var probe = await MqttProbe.Connect(MqttPort);
                return true;
            }
            catch (Exception) when (!mosquitto.HasExited)
            {
                return false;
            }
        }, "mosquitto to accept connections");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (mosquitto is { HasExited: false })
        {
            mosquitto.Kill();
            await mosquitto.WaitForExitAsync();
        }
        mosquitto?.Dispose();
        if (configPath is not null)
            File.Delete(configPath);
    }
}

public sealed class MosquittoTests(MosquittoFixture silo) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public Task Ingestion_through_mosquitto_lights_the_lamp_and_publishes_retained_state() => BrokerRoundTrip.LampLitConfirmedAndBadInputDeadLettered(silo);

    [Fact]
    public async Task The_silo_says_which_broker_it_found_and_warns_when_that_mosquitto_drops_messages()
    {
        var version = silo.Version ?? throw new InvalidOperationException("mosquitto -h printed nothing");
        Assert.StartsWith("mosquitto version ", version);

        var expected = BrokerVersion.KnownLoss(version) is null ? 2042 : 2043;
        var said = await Eventually.Get(() => Task.FromResult(silo.Logs.Messages(expected).ToList()), m => m.Count > 0,
            $"the silo to log which broker it found ({version})");
        Assert.Contains($"The MQTT broker is {version}", said[0]);
        Assert.Empty(silo.Logs.Messages(expected == 2042 ? 2043 : 2042));
    }

    [Fact]
    public async Task Messages_published_while_the_silo_is_down_are_applied_when_it_resumes_its_session()
    {
        // A bin from the topology file, so the restarted silo knows it before its queued messages arrive.
        const string bin = "BIN-01";
        await using var device = await silo.Device();
        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 1, fillPercent = 5 });
        await Eventually.Get(() => silo.GetTwin("bin", bin), t => MqttProbe.LastSeq(t) == 1, "the first reading");

        await silo.StopSilo();
        // The broker holds these for the silo's persistent session (QoS 1, same client id).
        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 2, fillPercent = 40 });
        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 3, fillPercent = 45 });
        await silo.StartSilo();

        // State is in memory in this mode: the restarted silo provisions the bin again from the topology file, then
        // receives what the broker kept for its session.
        var twin = await Eventually.Get(() => silo.GetTwin("bin", bin), t => MqttProbe.LastSeq(t) == 3, "the readings published while the silo was down");
        Assert.Equal(45, twin.GetProperty("reported").GetProperty("fillPercent").GetDouble());
    }
}
