using Twin.Care;
using Twin.Incidents;
using Twin.Schema;
using Twin.Tests.Support;
using Twin.Twins;

namespace Twin.Tests.Grains;

/// <summary>The welfare watch on the fake clock: a day of silence in seconds of test time.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WelfareWatchGrainTests(ClusterFixture fixture)
{
    static readonly TimeSpan Window = new CareOptions().InactivityWindow;
    static readonly TimeSpan AckWithin = new CareOptions().AckWithin;

    async Task<TwinId> NewHousehold(params string[] vulnerability)
    {
        var community = $"c-{Guid.NewGuid():N}"[..14];
        var household = new TwinId(TwinKinds.Household, $"{community}-H1");
        await fixture.Grains.GetTwin(household).Provision(new(household, community, "B1", [], Fields.Of(("floor", 7.0)),
            [new Member("Zhang Wei", "+86 138 0000 4321", [.. vulnerability])]));
        return household;
    }

    Task<WelfareView?> Watch(TwinId household) => fixture.Grains.GetWelfareWatch(household.Id).GetView();

    async Task<WelfareCheck?> OpenCheck(TwinId household) => (await Watch(household))?.Check is { IsOpen: true } check ? check : null;

    [Fact]
    public async Task A_vulnerable_household_silent_for_the_window_gets_a_check_for_its_grid_worker_which_escalates_and_a_check_in_closes()
    {
        var household = await NewHousehold("elderly_alone");
        Assert.True((await Watch(household))!.Watching);

        var waited = await ClusterFixture.AdvanceUntil(async () => await OpenCheck(household) is not null, "a welfare check", Window * 2, TimeSpan.FromMinutes(10));
        Assert.InRange(waited, Window - TimeSpan.FromMinutes(10), Window + TimeSpan.FromMinutes(20));
        var check = (await OpenCheck(household))!;
        Assert.Equal(["grid-B1"], check.Task.Parties.ToArray());
        Assert.Contains("floor 7", check.Task.Title);

        await ClusterFixture.AdvanceUntil(async () => (await OpenCheck(household))?.Task.EscalatedTo.Length > 0, "the check to escalate", AckWithin * 2, TimeSpan.FromMinutes(1));
        Assert.Equal("committee-party", (await OpenCheck(household))!.Task.EscalatedTo[0]);

        await fixture.Grains.GetTwin(household).Apply(DeviceMessage.Event("check_in", Fields.Of(("status", "safe"))));

        var closed = await Eventually.Get(async () => (await Watch(household))!.Check!, c => !c.IsOpen, "the check-in to close the check");
        Assert.Equal($"household/{household.Id}", closed.ClosedBy);
        Assert.Equal("checked in: safe", closed.ClosedHow);
    }

    [Fact]
    public async Task Activity_within_the_window_starts_it_again()
    {
        var household = await NewHousehold("limited_mobility");
        var twin = fixture.Grains.GetTwin(household);
        await twin.Apply(DeviceMessage.Telemetry(Fields.Of(("occupied", true))));

        ClusterFixture.Clock.Advance(Window - TimeSpan.FromHours(1));
        await twin.Apply(DeviceMessage.Telemetry(Fields.Of(("occupied", false))));
        await Eventually.True(async () => (await Watch(household))!.LastActivity!.Contains("went out"), "the activity to reach the watch");
        ClusterFixture.Clock.Advance(TimeSpan.FromHours(2));
        await Task.Delay(200);

        Assert.Null(await OpenCheck(household));
    }

    [Fact]
    public async Task The_grid_workers_visit_closes_the_check_and_only_the_checks_parties_may_make_it()
    {
        var household = await NewHousehold("needs_medication");
        await ClusterFixture.AdvanceUntil(async () => await OpenCheck(household) is not null, "a welfare check", Window * 2, TimeSpan.FromMinutes(10));
        var watch = fixture.Grains.GetWelfareWatch(household.Id);

        var stranger = await watch.Step("ack", "grid-B9", "grid", null);
        Assert.True(stranger.Forbidden);

        var acknowledged = await watch.Step("ack", "grid-B1", "grid", "on my way");
        Assert.Null(acknowledged.Error);
        Assert.Equal(TaskStatuses.Acknowledged, acknowledged.Welfare!.Check!.Task.Status);
        var visited = await watch.Step("complete", "grid-B1", "grid", "she is fine, phone was off");

        Assert.False(visited.Welfare!.Check!.IsOpen);
        Assert.Equal("visited by grid-B1: she is fine, phone was off", visited.Welfare.Check.ClosedHow);
        Assert.Equal(ClusterFixture.Clock.GetUtcNow(), visited.Welfare.LastActivityAt);
        Assert.NotNull((await watch.Step("complete", "grid-B1", "grid", null)).Error);
    }

    [Fact]
    public async Task A_household_without_vulnerable_residents_is_not_watched_and_one_that_loses_the_flag_stops_being_watched()
    {
        var plain = await NewHousehold();
        Assert.Null(await Watch(plain));

        var flagged = await NewHousehold("infant");
        await fixture.Grains.GetTwin(flagged).Provision(new(flagged, (await Watch(flagged))!.Community, "B1", [], Fields.Of(("floor", 7.0)),
            [new Member("Zhang Wei", "+86 138 0000 4321", [])]));

        Assert.False((await Watch(flagged))!.Watching);
    }
}
