using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Cluster;
using Twin.Tests.Support;

namespace Twin.Tests.Durable;

/// <summary>One silo process on PostgreSQL, stopped with SIGTERM or killed with -9 and started again.</summary>
[Trait("Category", "Cluster")]
public sealed class ProcessRestartTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("sigterm")]
    [InlineData("kill9")]
    public async Task After_the_silo_process_comes_back_twins_incidents_work_orders_and_audit_are_as_they_were(string how)
    {
        await using var cluster = await SiloCluster.Start(postgres, $"restart_{how}", silos: 1);
        var silo = cluster.Silos[0];
        await cluster.SetAckWithin("power_outage", 8);
        SimulatedDevice[] devices = [SimulatedDevice.Lamp("L-03"), SimulatedDevice.Lamp("L-04"), SimulatedDevice.Bin("BIN-05")];
        await using var simulator = await DeviceSimulator.Connect(cluster.Broker.Host, cluster.Broker.Port, $"sim-{how}", devices);
        // Devices keep talking through the stop and the restart: the broker holds what the silo did not acknowledge.
        simulator.Start(messagesPerSecond: 60);
        await using var bin = await MqttProbe.Connect(cluster.Broker.Port, cluster.Broker.Host);
        await bin.Publish("twin/bin/BIN-09/telemetry", new { seq = 1, fillPercent = 93 });
        var workOrder = await Eventually.Get(() => silo.Http.WorkOrderFor("bin/BIN-09"), w => w is not null, "a work order for BIN-09");
        var raised = await silo.Http.PostAsJsonAsync("/api/incidents", new { type = "power_outage", building = "B5", description = "feeder trip" });
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        var incident = (await raised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var committee = new HttpClient { BaseAddress = new Uri(silo.BaseUrl) };
        committee.DefaultRequestHeaders.Authorization = new("Bearer", "demo-committee");
        (await committee.GetAsync("/api/twins/household/B5-1-0501")).EnsureSuccessStatusCode();
        await Task.Delay(TimeSpan.FromSeconds(1));

        if (how == "kill9")
            silo.Kill();
        else
            await silo.StopGracefully(TimeSpan.FromSeconds(15));
        silo.Start();
        await silo.WaitReady(TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await simulator.Stop();
        var published = simulator.Published.Values.ToList();

        // Every message published before, during and after the restart: applied, and in the history exactly once.
        await WaitUntilApplied(silo, published);
        await Eventually.True(async () =>
        {
            var rows = await cluster.TelemetryRows();
            return published.All(d => rows.TryGetValue(d.Device.Subject, out var r) && r.Rows == (long)d.LastSeq && r.DistinctSeqs == (long)d.LastSeq);
        }, "every published seq in the history exactly once", TimeSpan.FromSeconds(30));
        foreach (var device in published)
        {
            var twin = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/twins/{device.Device.Kind}/{device.Device.Id}");
            foreach (var (field, value) in device.LastFields)
                Assert.Equal(Convert.ToDouble(value is bool b ? (b ? 1 : 0) : value, System.Globalization.CultureInfo.InvariantCulture),
                    Number(twin.GetProperty("reported").GetProperty(field)));
        }
        var order = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/workorders/{workOrder!.Value.GetProperty("id").GetString()}");
        Assert.Equal("open", order.GetProperty("status").GetString());
        var audit = await silo.Http.GetFromJsonAsync<JsonElement>("/api/audit?subject=household/B5-1-0501");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("role").GetString() == "committee");
        // Nobody acknowledged within 8 s: the deadline passed around the restart, and is kept after it.
        var escalated = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident}"),
            i => i.GetProperty("tasks").EnumerateArray().Any(t => t.GetProperty("escalatedTo").GetArrayLength() > 0),
            "a task of the incident to escalate after the restart", TimeSpan.FromSeconds(40));
        Assert.Equal("active", escalated.GetProperty("status").GetString());
    }

    static double Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => value.GetDouble(),
    };

    static async Task WaitUntilApplied(SiloProcess silo, IEnumerable<PublishedDevice> devices)
    {
        foreach (var device in devices)
            await Eventually.True(async () => (await silo.Http.GetFromJsonAsync<JsonElement>($"/api/twins/{device.Device.Kind}/{device.Device.Id}"))
                .GetProperty("lastSeq").GetInt64() == (long)device.LastSeq, $"{device.Device.Subject} to apply seq {device.LastSeq}", TimeSpan.FromSeconds(30));
    }
}
