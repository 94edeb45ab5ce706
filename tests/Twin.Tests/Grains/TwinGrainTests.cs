using System.Collections.Immutable;
using Twin.Incidents;
using Twin.Schema;
using Twin.Tests.Support;
using Twin.Twins;

namespace Twin.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class TwinGrainTests(ClusterFixture fixture)
{
    static TwinId Fresh(string kind) => new(kind, $"g-{Guid.NewGuid():N}"[..20]);

    static TwinProvision Provision(TwinId twin, string? building = "B1", params string[] covers) =>
        new(twin, "sunrise", building, [.. covers], Fields.Empty, []);

    ITwinGrain Twin(TwinId id) => fixture.Grains.GetTwin(id);

    [Fact]
    public async Task A_message_for_an_unprovisioned_twin_is_refused_and_leaves_no_twin_behind()
    {
        var ghost = Fresh(TwinKinds.Lamp);

        Assert.Equal(ApplyOutcome.UnknownTwin, await Twin(ghost).Apply(DeviceMessage.Telemetry(Fields.Of(("lux", 3.0)))));
        Assert.Null(await Twin(ghost).GetView(includePersonalData: true));
        Assert.False((await Twin(ghost).Command("set_brightness", Fields.Of(("brightness", 50.0)), null, "test", drill: false)).Found);
        Assert.DoesNotContain(ClusterFixture.Output.States, s => s.Id == ghost.Id);
    }

    [Fact]
    public async Task Provisioning_twice_changes_nothing_and_a_new_cover_is_a_change()
    {
        var lamp = Fresh(TwinKinds.Lamp);

        Assert.Equal(ProvisionOutcome.Added, await Twin(lamp).Provision(Provision(lamp, null, "B1")));
        Assert.Equal(ProvisionOutcome.Unchanged, await Twin(lamp).Provision(Provision(lamp, null, "B1")));
        Assert.Equal(ProvisionOutcome.Changed, await Twin(lamp).Provision(Provision(lamp, null, "B1", "B2")));
        var view = await Twin(lamp).GetView(false);
        Assert.Equal(["B1", "B2"], view!.Covers.ToArray());
        Assert.Equal("auto", view.Desired.Settings.GetText("mode"));
    }

    [Fact]
    public async Task Each_change_increments_the_version_and_a_duplicate_does_not()
    {
        var bin = Fresh(TwinKinds.Bin);
        await Twin(bin).Provision(Provision(bin));
        var before = (await Twin(bin).GetView(false))!.Version;

        Assert.Equal(ApplyOutcome.Applied, await Twin(bin).Apply(DeviceMessage.Telemetry(Fields.Of(("fillPercent", 10.0)), seq: 1)));
        Assert.Equal(ApplyOutcome.Duplicate, await Twin(bin).Apply(DeviceMessage.Telemetry(Fields.Of(("fillPercent", 90.0)), seq: 1)));

        var view = (await Twin(bin).GetView(false))!;
        Assert.Equal(before + 1, view.Version);
        Assert.Equal(10, view.Reported.GetNumber("fillPercent"));
    }

    [Fact]
    public async Task An_unconfirmed_command_is_resent_with_back_off_then_fails_at_its_deadline()
    {
        var lamp = Fresh(TwinKinds.Lamp);
        await Twin(lamp).Provision(Provision(lamp, null, "B1"));
        var outcome = await Twin(lamp).Command("set_brightness", Fields.Of(("brightness", 40.0)), "test", "tester", drill: false);
        Assert.Equal("pending", outcome.Status);
        Assert.Single(ClusterFixture.Output.CommandsTo(lamp));

        int Sent() => ClusterFixture.Output.CommandsTo(lamp).Count;
        var first = await ClusterFixture.AdvanceUntil(() => Sent() == 2, "the first resend", TimeSpan.FromSeconds(5));
        var second = await ClusterFixture.AdvanceUntil(() => Sent() == 3, "the second resend", TimeSpan.FromSeconds(10));
        // Not before the back-off says (its arithmetic is unit-tested in CommandScheduleTests); the upper bounds leave
        // room for timer callbacks lagging behind the fake clock on a busy machine.
        Assert.InRange(first.TotalSeconds, 2.0, 3.5);
        Assert.InRange(second.TotalSeconds, 4.0, 5.5);
        Assert.All(ClusterFixture.Output.CommandsTo(lamp), c => Assert.Equal(outcome.CommandId, c.Id));

        await ClusterFixture.AdvanceUntil(async () => (await Twin(lamp).GetView(false))!.Alarms.Any(a => a.Code == "command_failed"),
            "command_failed", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        var failed = await Twin(lamp).GetView(false);
        Assert.InRange(Sent(), 4, 7);
        Assert.Empty(failed!.Desired.Pending);
        Assert.Equal("alarm", failed.Status);
    }

    [Fact]
    public async Task A_camera_silent_for_a_minute_goes_offline_with_a_work_order_and_recovers_when_heard()
    {
        var camera = Fresh(TwinKinds.Camera);
        await Twin(camera).Provision(Provision(camera, null, "B1"));
        await Twin(camera).Apply(DeviceMessage.Telemetry(Fields.Of(("online", true))));

        var silence = await ClusterFixture.AdvanceUntil(async () => (await Twin(camera).GetView(false))!.Status == "offline",
            "the camera to go offline", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));
        Assert.InRange(silence.TotalSeconds, 60, 70);
        var offline = await Twin(camera).GetView(false);
        Assert.Contains(offline!.Alarms, a => a.Code == "offline");

        await Twin(camera).Apply(DeviceMessage.Telemetry(Fields.Of(("recording", true))));
        Assert.Equal("ok", (await Twin(camera).GetView(false))!.Status);
    }

    [Fact]
    public async Task Two_smoke_alarms_in_a_building_open_one_fire_incident_and_the_second_attaches_to_it()
    {
        var building = $"B-{Guid.NewGuid():N}"[..12];
        var first = Fresh(TwinKinds.Household);
        var second = Fresh(TwinKinds.Household);
        await Twin(first).Provision(Provision(first, building));
        await Twin(second).Provision(Provision(second, building));

        await Task.WhenAll(Twin(first).Apply(DeviceMessage.Event("smoke_alarm")), Twin(second).Apply(DeviceMessage.Event("smoke_alarm")));

        var desk = fixture.Grains.GetIncidentDesk("sunrise");
        var fires = await Eventually.Get(async () => (await desk.List("active")).Where(i => i.Building == building).ToList(),
            list => list.Count == 1 && list[0].Version >= 2, "one fire incident for the building");
        Assert.Equal("fire", fires[0].Type);
        var incident = (await fixture.Grains.GetIncident(fires[0].Id).GetView())!;
        await Eventually.True(async () => (await fixture.Grains.GetIncident(fires[0].Id).GetView())!.Timeline.Any(t => t.What.StartsWith("another trigger", StringComparison.Ordinal)),
            "the second smoke alarm on the incident's timeline");
        Assert.Equal("alarm", (await Twin(first).GetView(false))!.Status);
        Assert.Equal("alarm", (await Twin(second).GetView(false))!.Status);
        Assert.Contains(incident.Tasks, t => t.Role == "fire" && t.Parties.Contains("fire-party"));
    }

    [Fact]
    public async Task A_building_counts_its_members_as_they_change()
    {
        var building = Fresh(TwinKinds.Building);
        var household = Fresh(TwinKinds.Household);
        await Twin(building).Provision(Provision(building, null));
        await Twin(household).Provision(Provision(household, building.Id));

        await Twin(household).Apply(DeviceMessage.Telemetry(Fields.Of(("occupied", true))));

        var view = await Eventually.Get(() => Twin(building).GetView(false), v => v!.Rollup!.OccupiedHouseholds == 1, "the building to count the occupied household");
        Assert.Equal(1, view!.Rollup!.Households);
        Assert.Equal(1, view.Rollup.CountsByKindAndStatus[TwinKinds.Household]["ok"]);
    }

    [Fact]
    public async Task Personal_data_is_only_in_the_view_when_asked_for()
    {
        var household = Fresh(TwinKinds.Household);
        var provision = Provision(household) with { Members = [new Member("Li Na", "+86 138 0000 1234", ["limited_mobility"])] };
        await Twin(household).Provision(provision);

        Assert.Null((await Twin(household).GetView(false))!.Members);
        Assert.Equal("Li Na", (await Twin(household).GetView(true))!.Members![0].Name);
    }
}
