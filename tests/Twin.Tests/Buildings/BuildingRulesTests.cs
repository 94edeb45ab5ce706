using Twin.Buildings;
using Twin.Tests.Twins;
using Twin.Twins;

namespace Twin.Tests.Buildings;

public sealed class BuildingRulesTests
{
    static RuleRig Building() => RuleRig.For(BuildingRules.Instance, "B1", building: null);

    [Fact]
    public void A_fire_alarm_panel_raises_a_fire_incident_naming_the_zone()
    {
        var rig = Building();

        var effects = rig.Event("fire_alarm_panel", ("zone", "unit-2-floor-7"));

        Assert.Equal(["fire"], effects.IncidentTypes());
        var incident = effects.OfType<RaiseIncident>().Single();
        Assert.Contains("B1", incident.Description);
        Assert.Contains("unit-2-floor-7", incident.Description);
        Assert.Equal(TwinStatus.Alarm, Assert.Single(effects.Alarms()).Level);
        Assert.Equal(TwinStatus.Alarm, rig.State.Status);
    }

    [Fact]
    public void A_fire_alarm_panel_without_a_zone_raises_a_fire_incident_for_the_building()
    {
        var effects = Building().Event("fire_alarm_panel");

        Assert.Equal(["fire"], effects.IncidentTypes());
        Assert.Contains("B1", effects.OfType<RaiseIncident>().Single().Description);
    }

    [Fact]
    public void A_panel_that_keeps_ringing_raises_one_alarm_and_tells_the_desk_each_time()
    {
        var rig = Building();
        rig.Event("fire_alarm_panel", ("zone", "1"));

        var again = rig.Event("fire_alarm_panel", ("zone", "2"));

        // The desk attaches the second ringing to the active fire incident; the building keeps its one alarm.
        Assert.Empty(again.Alarms());
        Assert.Equal(["fire"], again.IncidentTypes());
        Assert.Contains("zone 2", again.OfType<RaiseIncident>().Single().Description);
    }

    [Fact]
    public void A_building_takes_no_telemetry_and_no_commands()
    {
        Assert.Empty(BuildingRules.Instance.Schema.Telemetry);
        Assert.Empty(BuildingRules.Instance.Schema.Commands);
    }
}
