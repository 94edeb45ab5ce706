using Orleans.Core.Internal;
using Twin.Communities;
using Twin.Incidents;
using Twin.Tests.Support;
using Twin.Twins;

namespace Twin.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class IncidentGrainTests(ClusterFixture fixture)
{
    /// <summary>A community of its own: one building, one gate, one household, so tests never share devices.</summary>
    async Task<(string Community, string Building, TwinId Gate, TwinId Household)> NewCommunity()
    {
        var community = $"c-{Guid.NewGuid():N}"[..14];
        var building = $"{community}-B1";
        var gate = new TwinId(TwinKinds.Gate, $"{community}-G1");
        var household = new TwinId(TwinKinds.Household, $"{community}-H1");
        await fixture.Grains.GetCommunity(community).Define("Test", [building]);
        await fixture.Grains.GetTwin(new TwinId(TwinKinds.Building, building)).Provision(new(new TwinId(TwinKinds.Building, building), community, null, [], Fields.Empty, []));
        await fixture.Grains.GetTwin(gate).Provision(new(gate, community, null, [], Fields.Empty, []));
        await fixture.Grains.GetTwin(household).Provision(new(household, community, building, [], Fields.Of(("floor", 3.0)),
            [new Member("Zhang Wei", "+86 138 0000 4321", ["elderly_alone"])]));
        // The community index hears from the twins one-way; wait until it lists them.
        await Eventually.True(async () => (await fixture.Grains.GetCommunity(community).Query(new TwinQuery(null, null, null))).Length == 3, "the community index");
        return (community, building, gate, household);
    }

    async Task<IncidentView> Raise(string community, string building, string type = IncidentTypes.Fire)
    {
        var raised = await fixture.Grains.GetIncidentDesk(community).Raise(new IncidentTrigger(community, type, building, null, "drill", "admin"));
        return await Eventually.Get(async () => (await fixture.Grains.GetIncident(raised.Id).GetView())!,
            v => v.Actions.Count > 0 || v.Households.Total > 0, "the playbook to run");
    }

    [Fact]
    public async Task An_unacknowledged_task_escalates_to_the_street_office_then_admin_and_an_acknowledged_one_does_not()
    {
        var (community, building, _, _) = await NewCommunity();
        var incident = await Raise(community, building);
        var grain = fixture.Grains.GetIncident(incident.Id);
        Assert.Null((await grain.TaskStep("t2", "ack", "property-party", "property")).Error);

        var waited = await ClusterFixture.AdvanceUntil(async () => (await grain.GetView())!.Tasks.Single(t => t.Id == "t1").EscalatedTo.Length == 1,
            "the first escalation", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));
        Assert.InRange(waited.TotalSeconds, 60, 63);
        var once = (await grain.GetView())!;
        Assert.Equal(["street-office"], once.Tasks.Single(t => t.Id == "t1").EscalatedTo.ToArray());
        Assert.Contains(once.Timeline, e => e.What.Contains("t1 (fire (fire-party)) not acknowledged within 60 s: escalated to street-office", StringComparison.Ordinal));
        Assert.Empty(once.Tasks.Single(t => t.Id == "t2").EscalatedTo);

        waited = await ClusterFixture.AdvanceUntil(async () => (await grain.GetView())!.Tasks.Single(t => t.Id == "t1").EscalatedTo.Length == 2,
            "the second escalation", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500));
        Assert.InRange(waited.TotalSeconds, 59, 63);
        var twice = (await grain.GetView())!;
        Assert.Equal(["street-office", "admin"], twice.Tasks.Single(t => t.Id == "t1").EscalatedTo.ToArray());

        // With nobody left, the timeline says so once, however many more deadlines pass.
        await ClusterFixture.AdvanceUntil(async () => (await grain.GetView())!.Tasks.Single(t => t.Id == "t1").MissedDeadlines == 5,
            "three more missed deadlines", TimeSpan.FromSeconds(200), TimeSpan.FromMilliseconds(500));
        Assert.Single((await grain.GetView())!.Timeline, e => e.What.StartsWith("task t1 ", StringComparison.Ordinal) && e.What.Contains("no one left", StringComparison.Ordinal));

        // The street office, once escalated to, may acknowledge; a party the task never reached may not.
        Assert.True((await grain.TaskStep("t1", "ack", "police-party", "police")).Forbidden);
        Assert.Null((await grain.TaskStep("t1", "ack", "street-office", "committee")).Error);

        var report = (await grain.GetReport())!;
        Assert.Contains(report.MissedDeadlines, m => m.Task == "t1" && m.Times == 5);
        Assert.DoesNotContain(report.MissedDeadlines, m => m.Task == "t2");
        Assert.Equal(0, report.SecondsToFirstAckByRole["property"]);
    }

    [Fact]
    public async Task A_gate_that_never_confirms_evacuation_lands_on_the_timeline_as_failed_and_becomes_a_task_for_property()
    {
        var (community, building, gate, _) = await NewCommunity();
        var incident = await Raise(community, building);
        var action = Assert.Single(incident.Actions, a => a.Twin == gate.ToString());
        Assert.Equal(ActionStatuses.Pending, action.Status);
        Assert.Contains(ClusterFixture.Output.CommandsTo(gate), c => c.Command == "set_mode" && c.Args.GetText("mode") == "evacuation");

        await ClusterFixture.AdvanceUntil(async () => (await fixture.Grains.GetIncident(incident.Id).GetView())!
            .Actions.Any(a => a.Twin == gate.ToString() && a.Status == ActionStatuses.Failed), "the failed gate action", TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(500));
        var failed = (await fixture.Grains.GetIncident(incident.Id).GetView())!;
        Assert.Contains(failed.Timeline, e => e.Who == gate.ToString() && e.What.StartsWith("FAILED set_mode", StringComparison.Ordinal));
        Assert.Contains(failed.Tasks, t => t.Role == "property" && t.Title.Contains(gate.ToString(), StringComparison.Ordinal));
        Assert.Contains((await fixture.Grains.GetTwin(gate).GetView(false))!.Alarms, a => a.Code == "command_failed");
    }

    [Fact]
    public async Task A_confirmed_evacuation_and_a_check_in_account_for_the_building_and_closing_restores_the_gate()
    {
        var (community, building, gate, household) = await NewCommunity();
        var incident = await Raise(community, building);
        Assert.Equal(1, incident.Households.Unaccounted);
        Assert.Contains(incident.Tasks, t => t.Role == "grid" && t.Household == household.Id && t.Parties.Contains($"grid-{building}"));

        await fixture.Grains.GetTwin(gate).Apply(global::Twin.Schema.DeviceMessage.Telemetry(Fields.Of(("locked", false), ("open", true))));
        await fixture.Grains.GetTwin(household).Apply(global::Twin.Schema.DeviceMessage.Event("check_in", Fields.Of(("status", "safe"))));

        var accounted = await Eventually.Get(async () => (await fixture.Grains.GetIncident(incident.Id).GetView())!,
            v => v.Households.Safe == 1 && v.Actions.Any(a => a.Twin == gate.ToString() && a.Status == ActionStatuses.Confirmed), "the check-in and the confirmation");
        Assert.Contains(accounted.Timeline, e => e.What.StartsWith("every household of the building is accounted for", StringComparison.Ordinal));

        Assert.True((await fixture.Grains.GetIncident(incident.Id).Close("fire-party", "fire")).Forbidden);
        var closed = await fixture.Grains.GetIncident(incident.Id).Close("committee-party", "committee");
        Assert.Equal("closed", closed.Incident!.Status);
        Assert.Contains(ClusterFixture.Output.CommandsTo(gate), c => c.Command == "set_mode" && c.Args.GetText("mode") == "normal");

        var report = (await fixture.Grains.GetIncident(incident.Id).GetReport())!;
        Assert.Empty(report.HouseholdsNeverAccounted);
        Assert.NotNull(report.SecondsUntilAllHouseholdsAccounted);

        // A new smoke alarm after the close opens a new incident rather than attaching to the closed one.
        var again = await fixture.Grains.GetIncidentDesk(community).Raise(new IncidentTrigger(community, IncidentTypes.Fire, building, null, "again", "admin"));
        Assert.False(again.Attached);
        Assert.NotEqual(incident.Id, again.Id);
    }

    [Fact]
    public async Task The_incident_list_shows_each_step_at_once_and_still_after_the_desk_was_deactivated_right_after_it()
    {
        var (community, building, _, _) = await NewCommunity();
        var incident = await Raise(community, building);
        var desk = fixture.Grains.GetIncidentDesk(community);
        Assert.Null((await fixture.Grains.GetIncident(incident.Id).TaskStep("t2", "ack", "property-party", "property")).Error);

        static bool Acknowledged(IncidentView listed) => listed.Tasks.Single(t => t.Id == "t2").Status == TaskStatuses.Acknowledged;
        await Eventually.True(async () => Acknowledged((await desk.List("active")).Single(i => i.Id == incident.Id)), "the list to show the step");
        await desk.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var listed = (await desk.List("active")).Single(i => i.Id == incident.Id);
        Assert.True(Acknowledged(listed));
        Assert.Equal((await fixture.Grains.GetIncident(incident.Id).GetView())!.Version, listed.Version);
        Assert.True((await desk.Raise(new IncidentTrigger(community, IncidentTypes.Fire, building, null, "again", "admin"))).Attached);
    }
}
