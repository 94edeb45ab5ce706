using System.Collections.Immutable;
using Twin.Communities;
using Twin.Twins;

namespace Twin.Tests.Communities;

public sealed class TwinIndexTests
{
    static readonly DateTimeOffset At = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static TwinSummary Twin(string kind, string id, string status, long version, bool? occupied = null, string[]? alarms = null, string building = "B1") =>
        new(kind, id, building, [], status, [.. alarms ?? []], At, version, occupied, null);

    [Fact]
    public void Counts_follow_each_twin_as_its_status_alarms_and_occupancy_change()
    {
        var index = new TwinIndex();
        index.Update(Twin("lamp", "L-01", "ok", 1));
        index.Update(Twin("lamp", "L-02", "ok", 1));
        index.Update(Twin("household", "H-1", "ok", 1, occupied: true));

        index.Update(Twin("lamp", "L-02", "fault", 2, alarms: ["fault"]));
        index.Update(Twin("household", "H-1", "ok", 2, occupied: false));

        Assert.Equal(3, index.Count);
        Assert.Equal(1, index.CountByKindAndStatus()["lamp"]["ok"]);
        Assert.Equal(1, index.CountByKindAndStatus()["lamp"]["fault"]);
        Assert.Equal(1, index.ActiveAlarms);
        Assert.Equal((1, 0), (index.Households, index.OccupiedHouseholds));
    }

    [Fact]
    public void An_older_report_arriving_late_does_not_overwrite_a_newer_one()
    {
        var index = new TwinIndex();
        index.Update(Twin("lamp", "L-01", "fault", 5, alarms: ["fault"]));
        index.Update(Twin("lamp", "L-01", "ok", 4));

        Assert.Equal("fault", Assert.Single(index.Matching(new TwinQuery("lamp", null, null))).Status);
        Assert.False(index.CountByKindAndStatus()["lamp"].ContainsKey("ok"));
        Assert.Equal(1, index.ActiveAlarms);
    }

    [Fact]
    public void A_query_by_kind_status_and_building_finds_exactly_those_twins()
    {
        var index = new TwinIndex();
        index.Update(Twin("lamp", "L-01", "fault", 1));
        index.Update(Twin("lamp", "L-02", "ok", 1));
        index.Update(Twin("lamp", "L-03", "fault", 1, building: "B2"));
        index.Update(Twin("bin", "BIN-01", "fault", 1));

        Assert.Equal(["L-01", "L-03"], index.Matching(new TwinQuery("lamp", null, "fault")).Select(t => t.Id).Order().ToArray());
        Assert.Equal(["L-03"], index.Matching(new TwinQuery("lamp", "B2", "fault")).Select(t => t.Id).ToArray());
        Assert.Equal(3, index.Matching(new TwinQuery(null, null, "fault")).Count());
        Assert.Empty(index.Matching(new TwinQuery("gate", null, null)));
        Assert.True(index.Contains("bin/BIN-01"));
        Assert.False(index.Contains("bin/BIN-02"));
    }
}
