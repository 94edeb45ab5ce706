using System.Collections.Immutable;
using Twin.Bins;
using Twin.Schema;
using Twin.Tests.Twins;
using Twin.Twins;

namespace Twin.Tests.Bins;

public sealed class BinRulesTests
{
    static RuleRig Bin() => RuleRig.For(BinRules.Instance, "BIN-01");

    [Fact]
    public void A_bin_filling_to_80_percent_asks_once_for_collection_and_shows_a_full_warning()
    {
        var rig = Bin();
        Assert.Empty(rig.Telemetry(("fillPercent", 79.9)).Visible());

        var effects = rig.Telemetry(("fillPercent", 80.0));

        Assert.Equal(["collection"], effects.WorkOrderTopics());
        var alarm = Assert.Single(effects.Alarms());
        Assert.Equal("full", alarm.Code);
        Assert.Equal(TwinStatus.Warning, alarm.Level);
        Assert.Contains("BIN-01", effects.OfType<OpenWorkOrder>().Single().Summary);
    }

    [Fact]
    public void A_full_bin_asks_for_one_collection_until_it_is_emptied_below_20_percent()
    {
        var rig = Bin();
        Assert.Single(rig.Telemetry(("fillPercent", 80.0)).WorkOrderTopics());

        Assert.Empty(rig.Telemetry(("fillPercent", 79.0)).Visible());
        Assert.Empty(rig.Telemetry(("fillPercent", 85.0)).Visible());
        Assert.Empty(rig.Telemetry(("fillPercent", 20.0)).Visible());
        Assert.Empty(rig.Telemetry(("fillPercent", 100.0)).Visible());

        var emptied = rig.Telemetry(("fillPercent", 19.0));
        Assert.Equal(["full"], emptied.Cleared());
        Assert.Empty(emptied.WorkOrderTopics());
        Assert.Equal(TwinStatus.Ok, rig.State.Status);

        Assert.Empty(rig.Telemetry(("fillPercent", 60.0)).Visible());
        var fullAgain = rig.Telemetry(("fillPercent", 80.0));
        Assert.Equal(["collection"], fullAgain.WorkOrderTopics());
        Assert.Equal("full", Assert.Single(fullAgain.Alarms()).Code);
    }

    [Theory]
    [InlineData(79.99, false, false, false)]
    [InlineData(80.0, false, true, true)]
    [InlineData(80.0, true, false, true)]
    [InlineData(20.0, true, false, true)]
    [InlineData(19.99, true, false, false)]
    [InlineData(0.0, false, false, false)]
    public void Collection_is_requested_at_80_and_re_armed_below_20(double fill, bool alreadyRequested, bool requestNow, bool requested) =>
        Assert.Equal((requestNow, requested), BinRules.Collection(fill, alreadyRequested));

    [Fact]
    public void Telemetry_without_a_fill_level_leaves_the_collection_alone()
    {
        var rig = Bin();
        rig.Telemetry(("fillPercent", 90.0));

        Assert.Empty(rig.Telemetry(("category", "kitchen")).Visible());
    }

    [Fact]
    public void A_bin_at_59_9_degrees_raises_nothing() =>
        Assert.Empty(Bin().Telemetry(("temperatureC", 59.9)));

    [Fact]
    public void A_bin_at_60_degrees_raises_a_fire_incident_and_an_overheat_alarm()
    {
        var rig = Bin();

        var effects = rig.Telemetry(("temperatureC", 60.0));

        Assert.Equal(["fire"], effects.IncidentTypes());
        Assert.Contains("BIN-01", effects.OfType<RaiseIncident>().Single().Description);
        var alarm = Assert.Single(effects.Alarms());
        Assert.Equal("overheat", alarm.Code);
        Assert.Equal(TwinStatus.Alarm, alarm.Level);
    }

    [Fact]
    public void A_bin_staying_hot_raises_no_second_incident_and_cools_down_to_a_cleared_alarm()
    {
        var rig = Bin();
        rig.Telemetry(("temperatureC", 60.0));

        Assert.Empty(rig.Telemetry(("temperatureC", 65.0)));
        Assert.Empty(rig.Telemetry(("fillPercent", 30.0)).Visible());

        var cooled = rig.Telemetry(("temperatureC", 40.0));
        Assert.Equal(["overheat"], cooled.Cleared());
        Assert.Empty(cooled.IncidentTypes());
        Assert.Equal(TwinStatus.Ok, rig.State.Status);

        Assert.Empty(rig.Telemetry(("temperatureC", 41.0)));
    }

    [Fact]
    public void A_bin_that_overheats_again_after_cooling_raises_a_new_fire_incident()
    {
        var rig = Bin();
        rig.Telemetry(("temperatureC", 70.0));
        rig.Telemetry(("temperatureC", 30.0));

        Assert.Equal(["fire"], rig.Telemetry(("temperatureC", 61.0)).IncidentTypes());
    }

    [Fact]
    public void A_full_and_burning_bin_asks_for_collection_and_raises_a_fire_incident_at_once()
    {
        var effects = Bin().Telemetry(("fillPercent", 95.0), ("temperatureC", 75.0));

        Assert.Equal(["collection"], effects.WorkOrderTopics());
        Assert.Equal(["fire"], effects.IncidentTypes());
        Assert.Equal(["full", "overheat"], effects.Alarms().Select(a => a.Code).Order());
    }

    [Fact]
    public void Missorted_waste_opens_one_work_order()
    {
        var rig = Bin();

        var effects = rig.Event("missorted", ("expected", "kitchen"), ("detected", "hazardous"));

        Assert.Equal(["missorted"], effects.WorkOrderTopics());
        var summary = effects.OfType<OpenWorkOrder>().Single().Summary;
        Assert.Contains("hazardous", summary);
        Assert.Contains("kitchen", summary);
    }

    [Fact]
    public void Missorted_waste_opens_no_second_work_order_while_one_is_open()
    {
        var rig = Bin();
        rig.Event("missorted", ("expected", "kitchen"), ("detected", "hazardous"));
        Assert.Contains("missorted", rig.State.OpenWorkOrders.Values);

        Assert.Empty(rig.Event("missorted", ("expected", "recyclable"), ("detected", "other")));
    }

    [Fact]
    public void Missorted_waste_opens_no_work_order_when_the_twin_already_holds_an_open_one()
    {
        var state = new TwinState
        {
            Kind = "bin",
            Id = "BIN-02",
            Provisioned = true,
            OpenWorkOrders = ImmutableDictionary<string, string>.Empty.Add("2025-0142", "missorted"),
        };

        var effects = BinRules.Instance.OnEvent(state, DeviceMessage.Event("missorted", Fields.Of(("expected", "kitchen"), ("detected", "other"))), RuleRig.T0);

        Assert.Empty(effects);
    }

    [Fact]
    public void Missorted_waste_after_the_work_order_is_done_opens_a_new_one()
    {
        var rig = Bin();
        rig.Event("missorted", ("expected", "kitchen"), ("detected", "hazardous"));
        rig.WorkOrderDone("missorted");

        Assert.Equal(["missorted"], rig.Event("missorted", ("expected", "kitchen"), ("detected", "other")).WorkOrderTopics());
    }

    [Fact]
    public void An_open_collection_work_order_does_not_block_a_missorted_one()
    {
        var rig = Bin();
        rig.Telemetry(("fillPercent", 90.0));

        Assert.Equal(["missorted"], rig.Event("missorted", ("expected", "kitchen"), ("detected", "other")).WorkOrderTopics());
    }

    [Fact]
    public void A_tilted_bin_raises_a_warning_once()
    {
        var rig = Bin();

        var alarm = Assert.Single(rig.Event("tilted").Alarms());
        Assert.Equal("tilted", alarm.Code);
        Assert.Equal(TwinStatus.Warning, alarm.Level);
        Assert.Empty(rig.Event("tilted"));
    }
}
