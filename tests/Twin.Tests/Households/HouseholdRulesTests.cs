using Twin.Households;
using Twin.Tests.Twins;
using Twin.Twins;

namespace Twin.Tests.Households;

public sealed class HouseholdRulesTests
{
    static RuleRig Household() => RuleRig.For(HouseholdRules.Instance, "B1-1-0501", building: "B1");

    [Theory]
    [InlineData("smoke_alarm", "smoke", "fire")]
    [InlineData("gas_alarm", "gas", "gas_leak")]
    [InlineData("panic_button", "panic", "medical")]
    public void An_alarm_event_raises_its_incident_and_an_alarm(string type, string alarmCode, string incident)
    {
        var rig = Household();

        var effects = rig.Event(type);

        Assert.Equal([incident], effects.IncidentTypes());
        Assert.Contains("B1-1-0501", effects.OfType<RaiseIncident>().Single().Description);
        var alarm = Assert.Single(effects.Alarms());
        Assert.Equal(alarmCode, alarm.Code);
        Assert.Equal(TwinStatus.Alarm, alarm.Level);
        Assert.Empty(effects.WorkOrderTopics());
    }

    [Theory]
    [InlineData("smoke_alarm")]
    [InlineData("gas_alarm")]
    [InlineData("panic_button")]
    public void A_repeated_alarm_event_while_the_alarm_is_active_raises_no_second_alarm(string type)
    {
        var rig = Household();
        rig.Event(type);

        rig.Event(type);

        Assert.Single(rig.State.Alarms);
        Assert.Equal(TwinStatus.Alarm, rig.State.Status);
    }

    [Fact]
    public void A_second_panic_press_still_reaches_the_incident_desk()
    {
        var rig = Household();
        rig.Event("panic_button");
        // The medical incident is handled and closed by the coordinator; days later the resident presses again.

        var effects = rig.Event("panic_button");

        Assert.Equal(["medical"], effects.IncidentTypes());
    }

    [Fact]
    public void A_health_alert_raises_a_medical_incident_that_says_what_happened()
    {
        var rig = Household();

        var effects = rig.Event("health_alert", ("kind", "heart_rate"), ("value", 182.0));

        Assert.Equal(["medical"], effects.IncidentTypes());
        Assert.Contains("heart_rate 182", effects.OfType<RaiseIncident>().Single().Description);
        Assert.Equal("health_alert", Assert.Single(effects.Alarms()).Code);
    }

    [Fact]
    public void A_fall_alert_without_a_value_raises_a_medical_incident()
    {
        var effects = Household().Event("health_alert", ("kind", "fall"));

        Assert.Equal(["medical"], effects.IncidentTypes());
        Assert.Contains("fall", effects.OfType<RaiseIncident>().Single().Description);
    }

    [Fact]
    public void A_smoke_alarm_and_a_panic_button_in_one_household_raise_both_incidents()
    {
        var rig = Household();

        Assert.Equal(["fire"], rig.Event("smoke_alarm").IncidentTypes());
        Assert.Equal(["medical"], rig.Event("panic_button").IncidentTypes());
    }

    [Fact]
    public void A_water_leak_opens_a_work_order_and_shows_a_warning()
    {
        var rig = Household();

        var effects = rig.Event("water_leak");

        Assert.Equal(["water_leak"], effects.WorkOrderTopics());
        Assert.Empty(effects.IncidentTypes());
        var alarm = Assert.Single(effects.Alarms());
        Assert.Equal("water_leak", alarm.Code);
        Assert.Equal(TwinStatus.Warning, alarm.Level);
        Assert.Equal(TwinStatus.Warning, rig.State.Status);
    }

    [Fact]
    public void A_water_leak_reported_again_opens_no_second_work_order()
    {
        var rig = Household();
        rig.Event("water_leak");

        Assert.Empty(rig.Event("water_leak"));
    }

    [Fact]
    public void A_water_leak_after_the_alarm_was_cleared_but_while_the_work_order_is_open_raises_the_warning_only()
    {
        var rig = Household();
        rig.Event("water_leak");
        // An operator cleared the warning (clear_alarm); the plumber has not finished yet.
        var again = new RuleRig(HouseholdRules.Instance, rig.State with { Alarms = [] });

        var effects = again.Event("water_leak");

        Assert.Equal("water_leak", Assert.Single(effects.Alarms()).Code);
        Assert.Empty(effects.WorkOrderTopics());
    }

    [Fact]
    public void Checking_in_as_needing_help_raises_an_alarm_and_records_the_check_in()
    {
        var rig = Household();

        var effects = rig.Event("check_in", ("status", "need_help"));

        var alarm = Assert.Single(effects.Alarms());
        Assert.Equal("need_help", alarm.Code);
        Assert.Equal(TwinStatus.Alarm, alarm.Level);
        Assert.Equal("need_help", rig.State.Reported.GetText("checkIn"));
    }

    [Fact]
    public void Checking_in_safe_clears_the_need_help_alarm_and_records_the_check_in()
    {
        var rig = Household();
        rig.Event("check_in", ("status", "need_help"));

        var effects = rig.Event("check_in", ("status", "safe"));

        Assert.Equal(["need_help"], effects.Cleared());
        Assert.Empty(effects.Alarms());
        Assert.Equal("safe", rig.State.Reported.GetText("checkIn"));
        Assert.Equal(TwinStatus.Ok, rig.State.Status);
    }

    [Fact]
    public void Checking_in_safe_with_nothing_wrong_raises_nothing()
    {
        var rig = Household();

        var effects = rig.Event("check_in", ("status", "safe"));

        Assert.Empty(effects.Alarms());
        Assert.Empty(effects.IncidentTypes());
        Assert.Equal("safe", rig.State.Reported.GetText("checkIn"));
    }

    [Fact]
    public void Asking_for_help_twice_records_it_but_raises_one_alarm()
    {
        var rig = Household();
        rig.Event("check_in", ("status", "need_help"));

        var effects = rig.Event("check_in", ("status", "need_help"));

        Assert.Empty(effects.Alarms());
        Assert.Contains(effects, e => e is RecordReported { Name: "checkIn" });
    }

    [Fact]
    public void Occupancy_telemetry_raises_no_alarm_incident_or_work_order()
    {
        var rig = Household();
        var effects = rig.Telemetry(("occupied", true)).Concat(rig.Telemetry(("occupied", false))).ToList();

        Assert.Empty(effects.Alarms());
        Assert.Empty(effects.IncidentTypes());
        Assert.Empty(effects.WorkOrderTopics());
    }

    [Fact]
    public void The_first_occupancy_report_is_a_baseline_and_each_change_after_it_is_a_sign_of_life()
    {
        var rig = Household();

        Assert.Empty(rig.Telemetry(("occupied", true)).OfType<ShowedActivity>());
        Assert.Empty(rig.Telemetry(("occupied", true)).OfType<ShowedActivity>());
        var wentOut = Assert.Single(rig.Telemetry(("occupied", false)).OfType<ShowedActivity>());
        var cameHome = Assert.Single(rig.Telemetry(("occupied", true)).OfType<ShowedActivity>());

        Assert.True(wentOut.ClosesWelfareCheck);
        Assert.Contains("went out", wentOut.How);
        Assert.Contains("came home", cameHome.How);
    }

    [Theory]
    [InlineData("safe", true)]
    [InlineData("need_help", false)]
    public void A_check_in_is_a_sign_of_life_and_only_a_safe_one_ends_a_welfare_check(string status, bool closes)
    {
        var rig = Household();

        var activity = Assert.Single(rig.Event("check_in", ("status", status)).OfType<ShowedActivity>());

        Assert.Equal(closes, activity.ClosesWelfareCheck);
    }

    [Fact]
    public void Only_a_household_with_vulnerable_residents_or_one_that_just_lost_them_is_watched()
    {
        var plain = Household().State with { Members = [new Member("Li Lei", null, [])] };
        var vulnerable = plain with { Members = [new Member("Wang Xiuying", null, ["elderly_alone"])] };

        Assert.Empty(HouseholdRules.Instance.OnProvisioned(null, plain));
        Assert.IsType<WatchWelfare>(Assert.Single(HouseholdRules.Instance.OnProvisioned(null, vulnerable)));
        Assert.IsType<WatchWelfare>(Assert.Single(HouseholdRules.Instance.OnProvisioned(vulnerable, plain)));
        Assert.Empty(HouseholdRules.Instance.OnProvisioned(plain, plain));
    }
}
