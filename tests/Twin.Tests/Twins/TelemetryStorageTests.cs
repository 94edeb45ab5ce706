using System.Collections.Immutable;
using Twin.Bins;
using Twin.Schema;
using Twin.Twins;

namespace Twin.Tests.Twins;

/// <summary>Which changes a twin may store a little later (plain telemetry), and how telemetry it had not stored is replayed.</summary>
public sealed class TelemetryStorageTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static readonly TwinState Stored = new()
    {
        Kind = TwinKinds.Bin,
        Id = "BIN-01",
        Community = "sunrise",
        Building = "B1",
        Provisioned = true,
        Settings = Fields.Of(("mode", "auto")),
        Reported = Fields.Of(("fillPercent", 10.0)),
        ReportedAt = T0,
        LastSeq = 4,
        LastMessageAt = T0,
        Version = 7,
        UpdatedAt = T0,
    };

    /// <summary>What applying one telemetry message does to the bookkeeping, as the grain's Apply and Commit do.</summary>
    static TwinState Heard(TwinState twin, ulong seq, DateTimeOffset at, params (string Name, FieldValue Value)[] fields) =>
        TwinTransitions.MergeTelemetry(twin with { LastSeq = seq, LastMessageAt = at, Version = twin.Version + 1, UpdatedAt = at }, Fields.Of(fields), at)!;

    [Fact]
    public void New_reported_values_a_seq_and_times_are_plain_telemetry()
    {
        var next = Heard(Stored, 5, T0.AddSeconds(1), ("fillPercent", 20.0), ("temperatureC", 21.0));
        next = Heard(next, 6, T0.AddSeconds(2), ("fillPercent", 30.0));

        Assert.True(TwinTransitions.OnlyTelemetryMoved(Stored, next));
        Assert.True(TwinTransitions.OnlyTelemetryMoved(Stored, Stored));
    }

    [Theory]
    [InlineData("an alarm raised")]
    [InlineData("an alarm cleared")]
    [InlineData("a command pending")]
    [InlineData("a setting changed")]
    [InlineData("the kind's memory changed")]
    [InlineData("a work order opened")]
    [InlineData("provisioned anew")]
    [InlineData("a new resident")]
    public void Anything_else_is_stored_at_once(string change)
    {
        var alarmed = Stored with { Alarms = [new Alarm("full", TwinStatus.Warning, "bin 95 % full", T0)] };
        var (before, after) = change switch
        {
            "an alarm raised" => (Stored, alarmed),
            "an alarm cleared" => (alarmed, alarmed with { Alarms = [] }),
            "a command pending" => (Stored, Stored with
            {
                Pending = [new PendingCommand("c-1", "compact", Fields.Empty, "test", Fields.Empty, T0, T0.AddSeconds(30), 1, T0.AddSeconds(2), "test", false)],
            }),
            "a setting changed" => (Stored, Stored with { Settings = Stored.Settings.SetItem("mode", "maintenance") }),
            "the kind's memory changed" => (Stored, Stored with { Memory = new BinMemory(CollectionRequested: true) }),
            "a work order opened" => (Stored, Stored with { OpenWorkOrders = Stored.OpenWorkOrders.Add("wo-1", "collection") }),
            "provisioned anew" => (Stored, Stored with { Covers = ["B2"] }),
            "a new resident" => (Stored, Stored with { Members = [new Member("Ana", null, [])] }),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        // Even when the same message also brought new telemetry.
        Assert.False(TwinTransitions.OnlyTelemetryMoved(before, Heard(after, 5, T0.AddSeconds(1), ("fillPercent", 20.0))));
    }

    /// <summary>What every telemetry message moves; <see cref="TwinTransitions.OnlyTelemetryMoved"/> must compare everything else.</summary>
    static readonly string[] Bookkeeping =
    [
        nameof(TwinState.Reported), nameof(TwinState.ReportedAt), nameof(TwinState.LastSeq), nameof(TwinState.LastMessageAt),
        nameof(TwinState.Version), nameof(TwinState.UpdatedAt),
    ];

    public static TheoryData<string> StateFields() =>
        [.. typeof(TwinState).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Except(Bookkeeping)];

    /// <summary>A field added to the state is stored at once unless it is listed as bookkeeping: this fails until it is compared.</summary>
    [Theory]
    [MemberData(nameof(StateFields))]
    public void A_change_to_any_other_field_of_the_state_is_stored_at_once(string field)
    {
        var property = typeof(TwinState).GetProperty(field)!;
        var changed = Stored with { };
        property.SetValue(changed, ChangedValue(property.PropertyType, property.GetValue(Stored)));

        Assert.False(TwinTransitions.OnlyTelemetryMoved(Stored, changed), $"a change to {field} counted as plain telemetry");
    }

    static object? ChangedValue(Type type, object? current) => current switch
    {
        string text => text + "-changed",
        bool flag => !flag,
        ImmutableArray<string> items => items.Add("changed"),
        ImmutableDictionary<string, FieldValue> fields => fields.SetItem("changed", 1.0),
        ImmutableDictionary<string, string> orders => orders.SetItem("wo-1", "changed"),
        ImmutableList<Alarm> alarms => alarms.Add(new Alarm("changed", TwinStatus.Warning, "changed", T0)),
        ImmutableList<PendingCommand> pending => pending.Add(new PendingCommand("c-1", "x", Fields.Empty, "t", Fields.Empty, T0, T0, 1, T0, null)),
        ImmutableList<Member> members => members.Add(new Member("Ana", null, [])),
        null when type == typeof(string) => "changed",
        null when type == typeof(KindMemory) => new BinMemory(CollectionRequested: true),
        _ => throw new NotSupportedException($"the test has no changed value for a {type.Name}: add one"),
    };

    [Fact]
    public void A_message_received_is_heard_recorded_merged_and_versioned_in_one_step()
    {
        var offline = Stored with { Alarms = [new Alarm("offline", TwinStatus.Offline, "silent", T0)] };
        var message = DeviceMessage.Telemetry(Fields.Of(("fillPercent", 20.0)), seq: 5, ts: T0.AddSeconds(1));

        var (twin, merged) = TwinTransitions.Received(offline, message, T0.AddSeconds(2));

        Assert.True(merged);
        Assert.Empty(twin.Alarms);
        Assert.Equal(20, twin.Reported.GetNumber("fillPercent"));
        Assert.Equal((5UL, T0.AddSeconds(1), T0.AddSeconds(2)), (twin.LastSeq!.Value, twin.ReportedAt!.Value, twin.LastMessageAt!.Value));
        Assert.Equal((Stored.Version + 1, T0.AddSeconds(2)), (twin.Version, twin.UpdatedAt));
    }

    [Fact]
    public void A_message_leaves_a_twins_other_alarms_as_they_were_so_it_stays_plain_telemetry()
    {
        var full = Stored with { Alarms = [new Alarm("full", TwinStatus.Warning, "bin 95 % full", T0)] };

        var (twin, _) = TwinTransitions.Received(full, DeviceMessage.Telemetry(Fields.Of(("fillPercent", 96.0)), seq: 5), T0.AddSeconds(1));

        Assert.Same(full.Alarms, twin.Alarms);
        Assert.True(TwinTransitions.OnlyTelemetryMoved(full, twin));
    }

    [Fact]
    public void Telemetry_older_than_the_twins_and_events_are_recorded_but_not_merged()
    {
        var late = DeviceMessage.Telemetry(Fields.Of(("fillPercent", 80.0)), seq: 5, ts: T0.AddMinutes(-1));
        var @event = DeviceMessage.Event("lid_opened", Fields.Of(("fillPercent", 80.0)), seq: 6);

        var (afterLate, lateMerged) = TwinTransitions.Received(Stored, late, T0.AddSeconds(1));
        var (afterEvent, eventMerged) = TwinTransitions.Received(afterLate, @event, T0.AddSeconds(2));

        Assert.False(lateMerged);
        Assert.False(eventMerged);
        Assert.Same(Stored.Reported, afterEvent.Reported);
        Assert.Equal((6UL, Stored.Version + 2), (afterEvent.LastSeq!.Value, afterEvent.Version));
    }

    [Fact]
    public void A_bin_filling_up_is_plain_telemetry_until_it_is_full()
    {
        var rig = RuleRig.For(BinRules.Instance);
        rig.Telemetry(("fillPercent", 10.0));
        var stored = rig.State;

        rig.Telemetry(("fillPercent", 40.0));
        rig.Telemetry(("fillPercent", 70.0));
        Assert.True(TwinTransitions.OnlyTelemetryMoved(stored, rig.State));

        rig.Telemetry(("fillPercent", 95.0));
        Assert.False(TwinTransitions.OnlyTelemetryMoved(stored, rig.State));
    }

    [Fact]
    public void Replayed_telemetry_is_merged_in_order_and_what_the_state_holds_is_skipped()
    {
        DeviceMessage[] rows =
        [
            DeviceMessage.Telemetry(Fields.Of(("fillPercent", 99.0)), seq: 3),
            DeviceMessage.Telemetry(Fields.Of(("fillPercent", 99.0)), seq: 4),
            DeviceMessage.Telemetry(Fields.Of(("fillPercent", 20.0), ("temperatureC", 21.0)), seq: 5),
            DeviceMessage.Telemetry(Fields.Of(("fillPercent", 30.0)), seq: 6),
        ];

        var replayed = rows.Select((m, i) => (m, At: T0.AddSeconds(i + 1))).Aggregate(Stored, (twin, row) => TwinTransitions.Replay(twin, row.m, row.At));

        Assert.Equal(30, replayed.Reported.GetNumber("fillPercent"));
        Assert.Equal(21, replayed.Reported.GetNumber("temperatureC"));
        Assert.Equal(6UL, replayed.LastSeq);
        Assert.Equal(T0.AddSeconds(4), replayed.LastMessageAt);
        Assert.Equal(Stored.Version + 2, replayed.Version);
        // State only: nothing but telemetry moved.
        Assert.True(TwinTransitions.OnlyTelemetryMoved(Stored, replayed));
    }

    [Fact]
    public void Replayed_telemetry_older_than_what_the_twin_reports_moves_the_seq_but_not_the_values()
    {
        var late = DeviceMessage.Telemetry(Fields.Of(("fillPercent", 80.0)), seq: 5, ts: T0.AddMinutes(-1));
        var withoutSeq = DeviceMessage.Telemetry(ImmutableDictionary<string, FieldValue>.Empty.Add("fillPercent", 15.0));

        var replayed = TwinTransitions.Replay(Stored, late, T0.AddSeconds(1));
        Assert.Equal(10, replayed.Reported.GetNumber("fillPercent"));
        Assert.Equal(5UL, replayed.LastSeq);

        replayed = TwinTransitions.Replay(replayed, withoutSeq, T0.AddSeconds(2));
        Assert.Equal(15, replayed.Reported.GetNumber("fillPercent"));
        Assert.Equal(5UL, replayed.LastSeq);
        Assert.Equal(T0.AddSeconds(2), replayed.ReportedAt);
    }
}
