using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Cluster;
using Twin.Tests.Support;

namespace Twin.Tests.Durable;

/// <summary>
/// Telemetry a twin held back from grain storage (<c>Twin:Twins:CoalesceTelemetryFor</c>) is not lost with a silo
/// killed with -9: the history holds every acknowledged message, and the twin replays it when it comes back.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class TelemetryReplayTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task After_kill_9_a_twin_replays_from_the_history_the_telemetry_it_had_not_stored()
    {
        // A window far longer than the test: nothing the twin holds back is stored before the kill.
        await using var cluster = await SiloCluster.Start(postgres, "replay", silos: 1,
            new Dictionary<string, string?> { ["Twin__Twins__CoalesceTelemetryFor"] = "00:10:00" });
        var silo = cluster.Silos[0];
        await using var device = await MqttProbe.Connect(cluster.Broker.Port, cluster.Broker.Host);
        const int Last = 40;
        for (var seq = 1; seq <= Last; seq++)
            await device.Publish("twin/bin/BIN-05/telemetry", new { seq, fillPercent = 10 + seq, temperatureC = 15 + seq / 10.0 });

        await Eventually.True(async () => MqttProbe.LastSeq(await Bin(silo)) == Last, $"BIN-05 to apply seq {Last}", TimeSpan.FromSeconds(30));
        // Every message acknowledged means every message in the history.
        await Eventually.True(async () => (await cluster.TelemetryRows()).TryGetValue("bin/BIN-05", out var rows) && rows.Rows == Last,
            "every message in the history", TimeSpan.FromSeconds(30));
        Assert.Empty(silo.LinesContaining("replayed"));

        silo.Kill();
        silo.Start();
        await silo.WaitReady(TimeSpan.FromSeconds(90));

        var twin = await Bin(silo);
        Assert.Equal(Last, MqttProbe.LastSeq(twin));
        Assert.Equal(10 + Last, twin.GetProperty("reported").GetProperty("fillPercent").GetDouble());
        Assert.Equal(15 + Last / 10.0, twin.GetProperty("reported").GetProperty("temperatureC").GetDouble());
        // The stored state did not hold them: the twin took them from the history.
        Assert.Contains(silo.LinesContaining("replayed"), line => line.Contains("bin/BIN-05", StringComparison.Ordinal));

        // And it goes on from there: the next message is new, a repeat is a duplicate.
        await device.Publish("twin/bin/BIN-05/telemetry", new { seq = Last, fillPercent = 1 });
        await device.Publish("twin/bin/BIN-05/telemetry", new { seq = Last + 1, fillPercent = 55 });
        var next = await Eventually.Get(() => Bin(silo), t => MqttProbe.LastSeq(t) == Last + 1, $"BIN-05 to apply seq {Last + 1}", TimeSpan.FromSeconds(30));
        Assert.Equal(55, next.GetProperty("reported").GetProperty("fillPercent").GetDouble());
    }

    static Task<JsonElement> Bin(SiloProcess silo) => silo.Http.GetFromJsonAsync<JsonElement>("/api/twins/bin/BIN-05");
}
