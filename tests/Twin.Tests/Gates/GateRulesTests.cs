using Twin.Gates;
using Twin.Schema;
using Twin.Tests.Twins;
using Twin.Twins;

namespace Twin.Tests.Gates;

public sealed class GateRulesTests
{
    static RuleRig Gate() => RuleRig.For(GateRules.Instance, "G-north", building: null);

    static DeviceMessage Access(bool granted, DateTimeOffset at, string credential = "card") =>
        DeviceMessage.Event("access", Fields.Of(("credential", credential), ("subject", "resident-7"), ("granted", granted)), ts: at);

    /// <summary>Sends denied accesses at the given seconds after <see cref="RuleRig.T0"/> and returns every effect.</summary>
    static List<Effect> DenyAt(RuleRig rig, params double[] seconds)
    {
        var effects = new List<Effect>();
        foreach (var s in seconds)
        {
            rig.Now = RuleRig.T0.AddSeconds(s);
            effects.AddRange(rig.Event(Access(false, rig.Now)));
        }
        return effects;
    }

    [Fact]
    public void A_new_gate_starts_in_normal_mode() =>
        Assert.Equal("normal", GateRules.Instance.InitialSettings.GetText("mode"));

    [Fact]
    public void Five_denied_accesses_with_the_first_and_fifth_exactly_60_s_apart_raise_an_alarm()
    {
        var rig = Gate();

        var before = DenyAt(rig, 0, 15, 30, 45);
        var fifth = rig.Event(Access(false, RuleRig.T0.AddSeconds(60)));

        Assert.Empty(before.Alarms());
        var alarm = Assert.Single(fifth.Alarms());
        Assert.Equal("access_denied_burst", alarm.Code);
        Assert.Equal(TwinStatus.Alarm, alarm.Level);
        Assert.Equal(TwinStatus.Alarm, rig.State.Status);
    }

    [Fact]
    public void Five_denied_accesses_spread_over_61_s_raise_no_alarm()
    {
        var rig = Gate();

        var effects = DenyAt(rig, 0, 15, 30, 45, 61);

        Assert.Empty(effects.Alarms());
        Assert.Equal(TwinStatus.Ok, rig.State.Status);
    }

    [Fact]
    public void Four_denied_accesses_raise_no_alarm()
    {
        var rig = Gate();

        var effects = DenyAt(rig, 0, 1, 2, 3);

        Assert.Empty(effects.Alarms());
    }

    [Fact]
    public void Granted_accesses_do_not_count_towards_a_burst()
    {
        var rig = Gate();
        var effects = DenyAt(rig, 0, 1, 2, 3);

        foreach (var s in new[] { 4.0, 5, 6, 7, 8 })
            effects.AddRange(rig.Event(Access(true, RuleRig.T0.AddSeconds(s), credential: "face")));

        Assert.Empty(effects.Alarms());
        Assert.Empty(rig.Event(Access(true, RuleRig.T0.AddSeconds(9))));
    }

    [Fact]
    public void The_burst_window_slides_an_old_denial_out_and_a_new_one_in()
    {
        var rig = Gate();

        var effects = DenyAt(rig, 0, 30, 40, 50, 61, 65);

        // 0 s has left the window when the 61 s denial arrives; the 65 s denial makes five within 60 s (30…65).
        Assert.Equal("access_denied_burst", Assert.Single(effects.Alarms()).Code);
    }

    [Fact]
    public void A_burst_alarm_is_raised_once_while_denials_keep_coming()
    {
        var rig = Gate();
        DenyAt(rig, 0, 1, 2, 3, 4);

        var more = DenyAt(rig, 5, 6, 7);

        Assert.Empty(more.Alarms());
    }

    [Fact]
    public void Denials_without_a_device_timestamp_are_counted_at_arrival_time()
    {
        var rig = Gate();
        var effects = new List<Effect>();

        foreach (var s in new[] { 0.0, 20, 40, 60, 61 })
        {
            rig.Now = RuleRig.T0.AddSeconds(s);
            effects.AddRange(rig.Event("access", ("credential", "qr"), ("granted", false)));
        }

        // At 61 s the denial at 0 s has left the window: 20, 40, 60, 61 are only four.
        Assert.Empty(effects.Alarms());
        rig.Now = RuleRig.T0.AddSeconds(62);
        Assert.Equal("access_denied_burst", Assert.Single(rig.Event("access", ("credential", "qr"), ("granted", false)).Alarms()).Code);
    }

    [Fact]
    public void Forced_open_raises_a_security_alarm()
    {
        var rig = Gate();

        var alarm = Assert.Single(rig.Event("forced_open").Alarms());

        Assert.Equal("forced_open", alarm.Code);
        Assert.Equal(TwinStatus.Alarm, alarm.Level);
        Assert.Equal("alarm", rig.State.Status.ToWire());
    }

    [Fact]
    public void Held_open_raises_a_warning_that_names_the_seconds()
    {
        var rig = Gate();

        var alarm = Assert.Single(rig.Event("held_open", ("seconds", 95.0)).Alarms());

        Assert.Equal("held_open", alarm.Code);
        Assert.Equal(TwinStatus.Warning, alarm.Level);
        Assert.Contains("95", alarm.Message);
    }

    [Fact]
    public void Held_open_is_cleared_when_the_gate_reports_it_is_closed()
    {
        var rig = Gate();
        rig.Event("held_open", ("seconds", 95.0));

        Assert.Empty(rig.Telemetry(("open", true)).Cleared());
        var effects = rig.Telemetry(("open", false));

        Assert.Equal(["held_open"], effects.Cleared());
        Assert.Equal(TwinStatus.Ok, rig.State.Status);
    }

    [Fact]
    public void A_closed_gate_without_a_held_open_alarm_reports_quietly() =>
        Assert.Empty(Gate().Telemetry(("open", false), ("locked", true)));

    [Fact]
    public void Tailgating_raises_a_warning()
    {
        var alarm = Assert.Single(Gate().Event("tailgating").Alarms());

        Assert.Equal("tailgating", alarm.Code);
        Assert.Equal(TwinStatus.Warning, alarm.Level);
    }

    [Fact]
    public void Evacuation_mode_sends_a_device_command_confirmed_by_the_gate_reporting_unlocked_and_open()
    {
        var rig = Gate();

        var effects = rig.TwinCommand("set_mode", ("mode", "evacuation"));

        Assert.Contains(effects, e => e is ChangeSetting { Name: "mode" } s && s.Value.Text == "evacuation");
        var command = Assert.Single(effects.Commands());
        Assert.Equal("set_mode", command.Command);
        Assert.Equal("evacuation", command.Args.GetText("mode"));
        Assert.Equal(2, command.ConfirmedBy.Count);
        Assert.False(command.ConfirmedBy.GetBool("locked"));
        Assert.True(command.ConfirmedBy.GetBool("open"));
        Assert.Equal("evacuation", rig.State.Setting("mode"));
    }

    [Fact]
    public void The_gate_reporting_unlocked_and_open_confirms_the_evacuation_command()
    {
        var rig = Gate();
        rig.TwinCommand("set_mode", ("mode", "evacuation"));

        rig.Telemetry(("locked", false));
        Assert.Single(rig.State.Pending);
        rig.Telemetry(("open", true));

        Assert.Empty(rig.State.Pending);
    }

    [Fact]
    public void Lockdown_is_confirmed_by_locked_and_closed()
    {
        var command = Assert.Single(Gate().TwinCommand("set_mode", ("mode", "lockdown")).Commands());

        Assert.True(command.ConfirmedBy.GetBool("locked"));
        Assert.False(command.ConfirmedBy.GetBool("open"));
    }

    [Fact]
    public void Back_to_normal_needs_the_device_to_acknowledge_the_command()
    {
        var command = Assert.Single(Gate().TwinCommand("set_mode", ("mode", "normal")).Commands());

        Assert.Empty(command.ConfirmedBy);
        Assert.Empty(GateRules.Instance.ConfirmationOf("open", Fields.Empty));
    }

    [Fact]
    public void A_late_delivered_denial_counts_only_with_denials_within_60_s_of_it()
    {
        var rig = Gate();
        DenyAt(rig, 100, 110, 120, 130);

        // Delivered last (a device reconnecting), but it happened at 0 s: no 60 s window holds five denials.
        var effects = rig.Event(Access(false, RuleRig.T0));

        Assert.Empty(effects.Alarms());
    }
}
