using Twin.Cameras;
using Twin.Tests.Twins;
using Twin.Twins;

namespace Twin.Tests.Cameras;

public sealed class CameraRulesTests
{
    static RuleRig Camera() => RuleRig.For(CameraRules.Instance, "C-01", building: null);

    static IReadOnlyList<Effect> Detect(RuleRig rig, string cls, double confidence, string? zone = null) =>
        zone is null
            ? rig.Event("detection", ("class", cls), ("confidence", confidence))
            : rig.Event("detection", ("class", cls), ("confidence", confidence), ("zone", zone));

    [Theory]
    [InlineData("smoke", 0.8, "fire")]
    [InlineData("smoke", 1.0, "fire")]
    [InlineData("fire", 0.95, "fire")]
    [InlineData("fire", 0.8, "fire")]
    [InlineData("intrusion", 0.05, "intrusion")]
    [InlineData("intrusion", 0.99, "intrusion")]
    [InlineData("fall", 0.3, "medical")]
    [InlineData("fall", 0.9, "medical")]
    public void A_detection_raises_the_matching_incident(string cls, double confidence, string incident)
    {
        var rig = Camera();

        var effects = Detect(rig, cls, confidence);

        Assert.Equal([incident], effects.IncidentTypes());
        Assert.Equal(TwinStatus.Alarm, Assert.Single(effects.Alarms()).Level);
    }

    [Theory]
    [InlineData("smoke", 0.79)]
    [InlineData("fire", 0.79)]
    [InlineData("smoke", 0.0)]
    [InlineData("person", 1.0)]
    [InlineData("vehicle", 0.99)]
    [InlineData("crowd", 0.99)]
    public void A_detection_below_the_threshold_or_of_an_ordinary_class_raises_nothing(string cls, double confidence) =>
        Assert.Empty(Detect(Camera(), cls, confidence));

    [Fact]
    public void The_fire_incident_says_which_camera_and_zone_saw_it()
    {
        var incident = Assert.Single(Detect(Camera(), "smoke", 0.9, zone: "bike-shed").OfType<RaiseIncident>());

        Assert.Contains("C-01", incident.Description);
        Assert.Contains("bike-shed", incident.Description);
        Assert.Contains("smoke", incident.Description);
    }

    [Fact]
    public void Repeated_smoke_sightings_raise_one_alarm_on_the_camera()
    {
        var rig = Camera();
        Detect(rig, "smoke", 0.85);

        Detect(rig, "smoke", 0.9);
        Detect(rig, "fire", 0.97);

        Assert.Equal("fire_detected", Assert.Single(rig.State.Alarms).Code);
    }

    [Fact]
    public void A_second_fall_seen_later_still_reaches_the_incident_desk()
    {
        var rig = Camera();
        Detect(rig, "fall", 0.9, zone: "playground");
        rig.Now = RuleRig.T0.AddHours(6);

        Assert.Equal(["medical"], Detect(rig, "fall", 0.9, zone: "car-park").IncidentTypes());
    }

    [Fact]
    public void A_fall_after_a_fire_still_raises_a_medical_incident()
    {
        var rig = Camera();
        Detect(rig, "fire", 0.95);

        Assert.Equal(["medical"], Detect(rig, "fall", 0.7).IncidentTypes());
    }

    [Fact]
    public void A_camera_silent_for_59_999_s_is_not_offline()
    {
        var rig = Camera();
        rig.Now = RuleRig.T0.AddSeconds(59.999);

        Assert.Empty(rig.Tick(silentSince: RuleRig.T0));
        Assert.False(CameraRules.IsSilent(RuleRig.T0, RuleRig.T0.AddSeconds(59.999)));
    }

    [Fact]
    public void A_camera_silent_for_exactly_60_s_goes_offline_with_a_work_order()
    {
        var rig = Camera();
        rig.Now = RuleRig.T0.AddSeconds(60);

        var effects = rig.Tick(silentSince: RuleRig.T0);

        var alarm = Assert.Single(effects.Alarms());
        Assert.Equal("offline", alarm.Code);
        Assert.Equal(TwinStatus.Offline, alarm.Level);
        Assert.Equal(["offline"], effects.WorkOrderTopics());
        Assert.Equal("offline", rig.State.Status.ToWire());
    }

    [Fact]
    public void A_camera_already_offline_raises_nothing_new_on_later_ticks()
    {
        var rig = Camera();
        rig.Now = RuleRig.T0.AddSeconds(60);
        rig.Tick(RuleRig.T0);

        rig.Now = RuleRig.T0.AddSeconds(65);
        Assert.Empty(rig.Tick(RuleRig.T0));
        rig.Now = RuleRig.T0.AddHours(3);
        Assert.Empty(rig.Tick(RuleRig.T0));
    }

    [Fact]
    public void A_camera_offline_again_while_its_offline_work_order_is_open_raises_the_alarm_only()
    {
        var rig = Camera();
        rig.Now = RuleRig.T0.AddSeconds(60);
        rig.Tick(RuleRig.T0);
        // The device speaks again (the grain clears the offline alarm), then falls silent once more.
        rig.Telemetry(("online", true));
        Assert.Equal(TwinStatus.Ok, rig.State.Status);

        rig.Now = RuleRig.T0.AddSeconds(200);
        var effects = rig.Tick(RuleRig.T0.AddSeconds(100));

        Assert.Equal("offline", Assert.Single(effects.Alarms()).Code);
        Assert.Empty(effects.WorkOrderTopics());
    }

    [Fact]
    public void The_camera_checks_on_itself_often_enough_to_notice_a_minute_of_silence()
    {
        Assert.NotNull(CameraRules.Instance.TickEvery);
        Assert.True(CameraRules.Instance.TickEvery < CameraRules.SilenceLimit);
    }

    [Fact]
    public void Tamper_raises_an_alarm()
    {
        var alarm = Assert.Single(Camera().Event("tamper").Alarms());

        Assert.Equal("tamper", alarm.Code);
        Assert.Equal(TwinStatus.Alarm, alarm.Level);
    }

    [Fact]
    public void A_face_match_raises_a_warning_and_records_the_subject()
    {
        var rig = Camera();

        var effects = rig.Event("face_match", ("watchlist", "wanted-2025"), ("subjectHash", "ab12cd"));

        var alarm = Assert.Single(effects.Alarms());
        Assert.Equal(TwinStatus.Warning, alarm.Level);
        Assert.Contains("wanted-2025", alarm.Message);
        Assert.Equal("ab12cd", rig.State.Reported.GetText("lastFaceMatch"));
    }

    [Fact]
    public void Recording_commands_are_confirmed_by_the_recording_flag()
    {
        Assert.True(CameraRules.Instance.ConfirmationOf("start_recording", Fields.Empty).GetBool("recording"));
        Assert.False(CameraRules.Instance.ConfirmationOf("stop_recording", Fields.Empty).GetBool("recording"));
        Assert.Empty(CameraRules.Instance.ConfirmationOf("bookmark", Fields.Of(("label", "fire"))));
    }
}
