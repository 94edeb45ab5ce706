using Orleans.Core.Internal;
using Twin.History;
using Twin.Schema;
using Twin.Tests.Support;
using Twin.Twins;

namespace Twin.Tests.Grains;

/// <summary>
/// A twin stores plain telemetry within <c>Twin:Twins:CoalesceTelemetryFor</c> (5 s in this cluster) instead of on
/// every message, stores anything else at once, and replays from the history what it had not stored.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TelemetryStorageGrainTests(ClusterFixture fixture)
{
    static readonly TimeSpan Window = ClusterFixture.TelemetryWindow;

    static TwinId Fresh() => new(TwinKinds.Bin, $"s-{Guid.NewGuid():N}"[..20]);

    ITwinGrain Twin(TwinId id) => fixture.Grains.GetTwin(id);

    static int Writes(TwinId twin) => ClusterFixture.Storage.Writes(twin);

    async Task<TwinView> Provisioned(TwinId bin)
    {
        await Twin(bin).Provision(new(bin, "sunrise", "B1", [], Fields.Empty, []));
        return (await Twin(bin).GetView(false))!;
    }

    static DeviceMessage Fill(double percent, ulong seq) => DeviceMessage.Telemetry(Fields.Of(("fillPercent", percent)), seq);

    [Fact]
    public async Task Plain_telemetry_is_stored_once_per_window_and_an_alarm_at_once()
    {
        var bin = Fresh();
        await Provisioned(bin);
        var stored = Writes(bin);

        for (var seq = 1UL; seq <= 20; seq++)
            Assert.Equal(ApplyOutcome.Applied, await Twin(bin).Apply(Fill(10 + seq, seq)));

        Assert.Equal(stored, Writes(bin));
        var view = (await Twin(bin).GetView(false))!;
        Assert.Equal(30, view.Reported.GetNumber("fillPercent"));
        Assert.Equal(20UL, view.LastSeq);
        var waited = await ClusterFixture.AdvanceUntil(() => Writes(bin) == stored + 1, "the held telemetry to be stored", Window * 2);
        Assert.InRange(waited, Window / 2 - TimeSpan.FromMilliseconds(100), Window + TimeSpan.FromSeconds(1.5));

        // Nothing held, nothing written: the timer is armed only while there is.
        var later = ClusterFixture.Clock.GetUtcNow() + Window * 2;
        await ClusterFixture.AdvanceUntil(() => ClusterFixture.Clock.GetUtcNow() >= later, "two more windows", Window * 3);
        Assert.Equal(stored + 1, Writes(bin));

        // A full bin raises an alarm and asks for a collection: stored before the call returns.
        await Twin(bin).Apply(Fill(95, 21));
        Assert.Equal(stored + 2, Writes(bin));
        Assert.Contains((await Twin(bin).GetView(false))!.Alarms, a => a.Code == "full");

        // Events are stored at once, even one that changes nothing (a second "tilted"), with the telemetry held before it.
        await Twin(bin).Apply(DeviceMessage.Event("tilted", seq: 22));
        Assert.Equal(stored + 3, Writes(bin));
        await Twin(bin).Apply(Fill(96, 23));
        Assert.Equal(stored + 3, Writes(bin));
        await Twin(bin).Apply(DeviceMessage.Event("tilted", seq: 24));
        Assert.Equal(stored + 4, Writes(bin));
    }

    [Fact]
    public async Task Twins_that_began_holding_telemetry_together_store_it_spread_over_the_window()
    {
        var bins = Enumerable.Range(0, 20).Select(_ => Fresh()).ToList();
        foreach (var bin in bins)
            await Provisioned(bin);
        var before = bins.ToDictionary(b => b, Writes);
        foreach (var bin in bins)
            await Twin(bin).Apply(Fill(20, 1));

        var started = ClusterFixture.Clock.GetUtcNow();
        var storedAfter = new Dictionary<TwinId, TimeSpan>();
        await ClusterFixture.AdvanceUntil(() =>
        {
            foreach (var bin in bins.Where(b => !storedAfter.ContainsKey(b) && Writes(b) > before[b]))
                storedAfter[bin] = ClusterFixture.Clock.GetUtcNow() - started;
            return storedAfter.Count == bins.Count;
        }, "every twin to store its telemetry", Window * 2);

        Assert.All(storedAfter.Values, after => Assert.InRange(after, Window / 2 - TimeSpan.FromMilliseconds(100), Window + TimeSpan.FromSeconds(1.5)));
        Assert.True(storedAfter.Values.Max() - storedAfter.Values.Min() >= Window / 10,
            $"20 twins that began holding together stored within {(storedAfter.Values.Max() - storedAfter.Values.Min()).TotalMilliseconds} ms of each other");
    }

    [Fact]
    public async Task Telemetry_held_when_the_twin_deactivates_is_stored_on_the_way_out()
    {
        var bin = Fresh();
        await Provisioned(bin);
        var stored = Writes(bin);
        for (var seq = 1UL; seq <= 3; seq++)
            await Twin(bin).Apply(Fill(40 + seq, seq));
        Assert.Equal(stored, Writes(bin));

        await Twin(bin).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        await Eventually.True(() => Task.FromResult(Writes(bin) == stored + 1), "the held telemetry to be stored on deactivation");
        var view = await Eventually.Get(() => Twin(bin).GetView(false), _ => ClusterFixture.Storage.Reads(bin) == 2, "a new activation");
        Assert.Equal(43, view!.Reported.GetNumber("fillPercent"));
        Assert.Equal(3UL, view.LastSeq);
    }

    [Fact]
    public async Task A_new_activation_replays_the_telemetry_in_the_history_that_its_stored_state_does_not_hold()
    {
        var bin = Fresh();
        await Provisioned(bin);
        await Twin(bin).Apply(Fill(20, 1));
        await Twin(bin).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(() => Task.FromResult(ClusterFixture.Storage.Writes(bin) >= 2), "seq 1 to be stored on deactivation");
        var before = (await Eventually.Get(() => Twin(bin).GetView(false), _ => ClusterFixture.Storage.Reads(bin) == 2, "a new activation"))!;

        // As after a silo killed while the twin held seq 2-5: the history has them, the stored state does not.
        var at = ClusterFixture.Clock.GetUtcNow();
        async Task Row(ulong? seq, string body) =>
            await await ClusterFixture.History.Enqueue(new HistoryEntry(bin.ToString(), HistoryKind.Telemetry, seq, at, null, body));
        await Row(1, """{"seq": 1, "fillPercent": 11}""");
        await Row(2, """{"seq": 2, "fillPercent": 60, "temperatureC": 22}""");
        await Row(3, """{"seq": 3, "fillPercent": "lots"}""");
        await Row(4, """{"seq": 4, "fillPercent": 97}""");
        await ClusterFixture.History.Enqueue(new HistoryEntry(bin.ToString(), HistoryKind.Event, 5, at, null, """{"seq": 5, "type": "tilted"}"""));
        await Twin(bin).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var view = (await Eventually.Get(() => Twin(bin).GetView(false), _ => ClusterFixture.Storage.Reads(bin) == 3, "a third activation"))!;
        Assert.Equal(97, view.Reported.GetNumber("fillPercent"));
        Assert.Equal(22, view.Reported.GetNumber("temperatureC"));
        Assert.Equal(4UL, view.LastSeq);
        Assert.Equal(before.Version + 2, view.Version);
        // State only: a full bin's alarm and work order were stored when the message was first applied, not now.
        Assert.Empty(view.Alarms);
    }
}
