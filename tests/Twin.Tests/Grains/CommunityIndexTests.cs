using Orleans.Core.Internal;
using Twin.Communities;
using Twin.Tests.Support;
using Twin.Twins;

namespace Twin.Tests.Grains;

/// <summary>The rollups are derived state: a new activation of the index (idle collection, restart, a lost silo) must fill again by itself.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CommunityIndexTests(ClusterFixture fixture)
{
    [Fact]
    public async Task After_every_grain_is_collected_the_community_and_building_rollups_fill_again_without_any_device_speaking()
    {
        var community = $"c-{Guid.NewGuid():N}"[..14];
        var building = new TwinId(TwinKinds.Building, $"{community}-B1");
        TwinId[] members =
        [
            new(TwinKinds.Lamp, $"{community}-L1"),
            new(TwinKinds.Bin, $"{community}-BIN1"),
            new(TwinKinds.Household, $"{community}-H1"),
        ];
        await fixture.Grains.GetCommunity(community).Define("Index test", [building.Id]);
        await fixture.Grains.GetTwin(building).Provision(new(building, community, null, [], Fields.Empty, []));
        foreach (var twin in members)
            await fixture.Grains.GetTwin(twin).Provision(new(twin, community, building.Id, [], Fields.Empty, []));
        await fixture.Grains.GetCommunity(community).AddMembers([building.ToString(), .. members.Select(m => m.ToString())]);
        await Eventually.True(async () => (await Index(community)).Length == 4, "the community index to list the four twins");

        // As idle collection, a restart or a lost silo would: the index and the building's rollup lose their memory.
        await fixture.Grains.GetCommunity(community).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await fixture.Grains.GetTwin(building).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        // Grain timers run on the test's fake clock.
        await ClusterFixture.AdvanceUntil(async () => (await Index(community)).Length == 4, "the new index activation to list the four twins again", TimeSpan.FromSeconds(20));
        var rollup = await Eventually.Get(async () => (await fixture.Grains.GetTwin(building).GetView(false))!.Rollup!,
            r => r.Households == 1, "the building rollup to count its household again", TimeSpan.FromSeconds(20));
        Assert.Equal(1, rollup.Households);
    }

    Task<System.Collections.Immutable.ImmutableArray<TwinSummary>> Index(string community) =>
        fixture.Grains.GetCommunity(community).Query(new TwinQuery(null, null, null));
}
