using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class WorkOrderTests(SiloFixture silo)
{
    Task<JsonElement[]> WorkOrdersFor(string twin) => silo.Http.WorkOrdersFor(twin);

    [Fact]
    public async Task A_full_bin_gives_one_work_order_until_it_has_been_emptied()
    {
        var bin = await silo.NewTwin("bin", category: "recyclable");
        await using var device = await silo.Device();

        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 1, fillPercent = 82 });
        var first = await Eventually.Get(() => WorkOrdersFor($"bin/{bin}"), w => w.Length == 1, "a collection work order");
        Assert.Equal("collection", first[0].GetProperty("topic").GetString());
        Assert.Equal("open", first[0].GetProperty("status").GetString());

        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 2, fillPercent = 79 });
        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 3, fillPercent = 95 });
        await Eventually.Get(() => silo.GetTwin("bin", bin), t => MqttProbe.LastSeq(t) == 3, "the readings to apply");
        Assert.Single(await WorkOrdersFor($"bin/{bin}"));
        Assert.Equal("warning", (await silo.GetTwin("bin", bin)).GetProperty("status").GetString());

        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 4, fillPercent = 3 });
        await device.Publish($"twin/bin/{bin}/telemetry", new { seq = 5, fillPercent = 80 });
        await Eventually.Get(() => WorkOrdersFor($"bin/{bin}"), w => w.Length == 2, "a second work order after the bin was emptied");
    }

    [Fact]
    public async Task A_work_order_is_assigned_started_and_completed_with_a_history_of_who_did_what()
    {
        var lamp = await silo.NewTwin("lamp");
        await using var device = await silo.Device();
        await device.Publish($"twin/lamp/{lamp}/event", new { type = "fault", code = "E42" });
        var order = (await Eventually.Get(() => WorkOrdersFor($"lamp/{lamp}"), w => w.Length == 1, "a repair work order"))[0];
        var id = order.GetProperty("id").GetString();
        Assert.Equal("fault", order.GetProperty("topic").GetString());
        Assert.Equal("fault", (await silo.GetTwin("lamp", lamp)).GetProperty("status").GetString());

        var start = await silo.Http.PostAsJsonAsync($"/api/workorders/{id}/start", new { });
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("assign", (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        Assert.True((await silo.Http.PostAsJsonAsync($"/api/workorders/{id}/assign", new { assignee = "electrician Zhao" })).IsSuccessStatusCode);
        Assert.True((await silo.Http.PostAsJsonAsync($"/api/workorders/{id}/start", new { })).IsSuccessStatusCode);
        var done = await (await silo.Http.PostAsJsonAsync($"/api/workorders/{id}/complete", new { note = "replaced driver" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("done", done.GetProperty("status").GetString());
        Assert.Equal("electrician Zhao", done.GetProperty("assignee").GetString());
        var steps = done.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("action").GetString()!).ToArray();
        Assert.Equal(["opened", "assigned", "started", "completed"], steps);
        Assert.All(done.GetProperty("history").EnumerateArray().Skip(1), s => Assert.Equal("admin", s.GetProperty("by").GetString()));

        var active = await silo.Http.GetFromJsonAsync<JsonElement>("/api/workorders?status=active");
        Assert.DoesNotContain(active.GetProperty("items").EnumerateArray(), w => w.GetProperty("id").GetString() == id);
        var finished = await silo.Http.GetFromJsonAsync<JsonElement>("/api/workorders?status=done");
        Assert.Contains(finished.GetProperty("items").EnumerateArray(), w => w.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_water_leak_opens_a_work_order_for_the_household()
    {
        var household = await silo.NewTwin("household");
        await using var device = await silo.Device();
        await device.Publish($"twin/household/{household}/event", new { type = "water_leak" });

        var orders = await Eventually.Get(() => WorkOrdersFor($"household/{household}"), w => w.Length == 1, "a water leak work order");
        Assert.Equal("water_leak", orders[0].GetProperty("topic").GetString());
        Assert.Equal("B1", orders[0].GetProperty("building").GetString());
    }

    [Fact]
    public async Task Missorted_waste_opens_a_work_order()
    {
        var bin = await silo.NewTwin("bin", category: "recyclable");
        await using var device = await silo.Device();
        await device.Publish($"twin/bin/{bin}/event", new { type = "missorted", expected = "recyclable", detected = "kitchen" });

        var orders = await Eventually.Get(() => WorkOrdersFor($"bin/{bin}"), w => w.Length == 1, "a missorted work order");
        Assert.Contains("kitchen", orders[0].GetProperty("summary").GetString());
    }
}
