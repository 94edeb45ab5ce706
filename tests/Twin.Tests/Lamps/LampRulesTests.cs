using Twin.Lamps;
using Twin.Tests.Twins;
using Twin.Twins;

namespace Twin.Tests.Lamps;

public sealed class LampRulesTests
{
    static RuleRig Lamp(params (string Name, FieldValue Value)[] reported)
    {
        var rig = RuleRig.For(LampRules.Instance, "L-01", building: null);
        if (reported.Length > 0)
            rig.Telemetry(reported);
        return rig;
    }

    static double? AskedBrightness(IEnumerable<Effect> effects) =>
        Assert.Single(effects.Commands(), c => c.Command == "set_brightness").Args.GetNumber("brightness");

    [Fact]
    public void A_new_lamp_starts_in_auto_mode() =>
        Assert.Equal("auto", LampRules.Instance.InitialSettings.GetText("mode"));

    [Theory]
    [InlineData(50.0, true, 0)]
    [InlineData(50.0, false, 0)]
    [InlineData(1000.0, true, 0)]
    [InlineData(49.9, true, 100)]
    [InlineData(49.9, false, 30)]
    [InlineData(0.0, false, 30)]
    public void Auto_lamp_follows_daylight_and_motion(double lux, bool motion, int expected) =>
        Assert.Equal(expected, LampRules.TargetBrightness(LampModes.Auto, lux, motion));

    [Fact]
    public void Auto_lamp_goes_dark_at_exactly_50_lux()
    {
        var rig = Lamp(("brightness", 30.0));

        var effects = rig.Telemetry(("lux", 50.0), ("motion", true));

        Assert.Equal(0, AskedBrightness(effects));
    }

    [Fact]
    public void Auto_lamp_lights_fully_at_49_9_lux_with_motion()
    {
        var rig = Lamp(("brightness", 0.0));

        var effects = rig.Telemetry(("lux", 49.9), ("motion", true));

        Assert.Equal(100, AskedBrightness(effects));
    }

    [Fact]
    public void Auto_lamp_dims_to_30_when_dark_without_motion()
    {
        var rig = Lamp(("brightness", 0.0));

        var effects = rig.Telemetry(("lux", 12.0), ("motion", false));

        Assert.Equal(30, AskedBrightness(effects));
    }

    [Fact]
    public void Auto_lamp_treats_unknown_motion_as_no_motion()
    {
        var rig = Lamp(("brightness", 0.0));

        Assert.Equal(30, AskedBrightness(rig.Telemetry(("lux", 12.0))));
    }

    [Fact]
    public void The_command_is_confirmed_by_the_lamp_reporting_the_brightness_asked_for()
    {
        var rig = Lamp(("brightness", 0.0));

        var command = Assert.Single(rig.Telemetry(("lux", 10.0), ("motion", true)).Commands());

        Assert.Equal(100, command.ConfirmedBy.GetNumber("brightness"));
        Assert.False(string.IsNullOrWhiteSpace(command.Reason));
    }

    [Fact]
    public void Emergency_mode_holds_full_light_in_daylight()
    {
        var rig = Lamp(("brightness", 100.0));
        Assert.Empty(rig.TwinCommand("set_mode", ("mode", "emergency")).Commands());

        var effects = rig.Telemetry(("lux", 800.0), ("motion", false), ("brightness", 0.0));

        Assert.Equal(100, AskedBrightness(effects));
        Assert.Equal(100, LampRules.TargetBrightness(LampModes.Emergency, 800.0, false));
    }

    [Fact]
    public void Emergency_mode_holds_full_light_even_before_the_lamp_reports_any_lux() =>
        Assert.Equal(100, LampRules.TargetBrightness(LampModes.Emergency, null, null));

    [Fact]
    public void Emergency_lamp_already_at_100_gets_no_command_whatever_the_lux()
    {
        var rig = Lamp();
        rig.TwinCommand("set_mode", ("mode", "emergency"));

        var effects = rig.Telemetry(("lux", 900.0), ("brightness", 100.0));

        Assert.Empty(effects.Commands());
    }

    [Fact]
    public void Switching_to_emergency_asks_for_full_brightness_at_once()
    {
        var rig = Lamp(("lux", 200.0), ("brightness", 0.0));

        var effects = rig.TwinCommand("set_mode", ("mode", "emergency"));

        Assert.Contains(effects, e => e is ChangeSetting { Name: "mode" } s && s.Value.Text == "emergency");
        Assert.Equal(100, AskedBrightness(effects));
        Assert.Equal("emergency", rig.State.Setting("mode"));
    }

    [Fact]
    public void Switching_to_emergency_asks_for_full_brightness_even_when_the_lux_is_unknown()
    {
        var rig = Lamp();

        Assert.Equal(100, AskedBrightness(rig.TwinCommand("set_mode", ("mode", "emergency"))));
    }

    [Fact]
    public void Releasing_emergency_in_daylight_turns_the_lamp_off()
    {
        var rig = Lamp(("lux", 300.0), ("brightness", 0.0));
        Assert.Equal(100, AskedBrightness(rig.TwinCommand("set_mode", ("mode", "emergency"))));
        rig.Telemetry(("brightness", 100.0));
        Assert.Empty(rig.State.Pending);

        var effects = rig.TwinCommand("set_mode", ("mode", "auto"));

        Assert.Equal(0, AskedBrightness(effects));
        Assert.Equal("auto", rig.State.Setting("mode"));
    }

    [Fact]
    public void No_command_when_the_reported_brightness_already_equals_the_target()
    {
        var rig = Lamp(("brightness", 30.0));

        var effects = rig.Telemetry(("lux", 12.0), ("motion", false));

        Assert.Empty(effects.Commands());
    }

    [Fact]
    public void No_second_command_while_an_identical_set_brightness_is_pending()
    {
        var rig = Lamp(("brightness", 0.0));
        Assert.Equal(30, AskedBrightness(rig.Telemetry(("lux", 12.0), ("motion", false))));

        var effects = rig.Telemetry(("lux", 11.0), ("motion", false));

        Assert.Empty(effects.Commands());
        Assert.Single(rig.State.Pending);
    }

    [Fact]
    public void A_different_target_while_a_command_is_pending_sends_the_new_target()
    {
        var rig = Lamp(("brightness", 0.0));
        rig.Telemetry(("lux", 12.0), ("motion", false));

        var effects = rig.Telemetry(("motion", true));

        Assert.Equal(100, AskedBrightness(effects));
    }

    [Fact]
    public void Unknown_lux_means_no_command()
    {
        var rig = Lamp();

        var effects = rig.Telemetry(("motion", true), ("brightness", 0.0));

        Assert.Empty(effects);
        Assert.Null(LampRules.TargetBrightness(LampModes.Auto, null, true));
    }

    [Fact]
    public void A_fault_raises_a_fault_alarm_and_one_work_order()
    {
        var rig = Lamp();

        var effects = rig.Event("fault", ("code", "E42"));

        var alarm = Assert.Single(effects.Alarms());
        Assert.Equal("fault", alarm.Code);
        Assert.Equal(TwinStatus.Fault, alarm.Level);
        Assert.Contains("E42", alarm.Message);
        Assert.Equal(["fault"], effects.WorkOrderTopics());
        Assert.Equal(TwinStatus.Fault, rig.State.Status);
    }

    [Fact]
    public void A_second_fault_while_the_first_alarm_is_active_changes_nothing()
    {
        var rig = Lamp();
        rig.Event("fault", ("code", "E42"));

        var effects = rig.Event("fault", ("code", "E43"));

        Assert.Empty(effects);
    }

    [Fact]
    public void Recovered_clears_the_fault_alarm()
    {
        var rig = Lamp();
        rig.Event("fault", ("code", "E42"));

        var effects = rig.Event("recovered");

        Assert.Equal(["fault"], effects.Cleared());
        Assert.Empty(rig.State.Alarms);
        Assert.Equal(TwinStatus.Ok, rig.State.Status);
    }

    [Fact]
    public void A_fault_after_recovery_does_not_open_a_second_work_order_while_the_first_is_open()
    {
        var rig = Lamp();
        rig.Event("fault", ("code", "E42"));
        rig.Event("recovered");

        var effects = rig.Event("fault", ("code", "E42"));

        Assert.Equal("fault", Assert.Single(effects.Alarms()).Code);
        Assert.Empty(effects.WorkOrderTopics());
    }

    [Fact]
    public void A_fault_after_the_repair_work_order_is_done_opens_a_new_one()
    {
        var rig = Lamp();
        rig.Event("fault", ("code", "E42"));
        rig.Event("recovered");
        rig.WorkOrderDone("fault");

        var effects = rig.Event("fault", ("code", "E42"));

        Assert.Equal(["fault"], effects.WorkOrderTopics());
    }

    [Fact]
    public void Switching_to_emergency_supersedes_a_pending_dimming_command()
    {
        // In daylight the lamp at 100 % is asked to go dark; before it confirms, a fire switches it to emergency.
        var rig = Lamp();
        Assert.Equal(0, AskedBrightness(rig.Telemetry(("lux", 300.0), ("brightness", 100.0))));

        rig.TwinCommand("set_mode", ("mode", "emergency"));

        // Nothing may go on asking the lamp to go dark while emergency mode holds full light.
        Assert.DoesNotContain(rig.State.Pending, p => p.Command == "set_brightness" && p.Args.GetNumber("brightness") != 100);
    }

    [Fact]
    public void When_the_target_returns_to_the_reported_brightness_a_pending_command_for_another_level_is_withdrawn()
    {
        var rig = Lamp(("lux", 10.0), ("motion", false), ("brightness", 30.0));
        Assert.Equal(100, AskedBrightness(rig.Telemetry(("motion", true))));

        rig.Telemetry(("motion", false));

        Assert.DoesNotContain(rig.State.Pending, p => p.Command == "set_brightness" && p.Args.GetNumber("brightness") != 30);
    }
}
