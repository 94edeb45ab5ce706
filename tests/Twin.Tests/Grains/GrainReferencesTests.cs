using Twin.Tests.Support;
using Twin.Twins;

namespace Twin.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class GrainReferencesTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_reference_made_with_the_learnt_interface_type_is_the_same_grain_as_Orleans_own()
    {
        var lamp = new TwinId(TwinKinds.Lamp, $"ref-{Guid.NewGuid():N}"[..16]);
        var id = GrainId.Create(lamp.Kind, lamp.Id);
        await fixture.Grains.GetTwin(lamp).Provision(new(lamp, "sunrise", "B1", [], Fields.Empty, []));

        var first = GrainReferences.Get<ITwinGrain>(fixture.Grains, id);
        var second = GrainReferences.Get<ITwinGrain>(fixture.Grains, id);

        Assert.Equal(fixture.Grains.GetGrain<ITwinGrain>(id), first);
        Assert.Equal(first, second);
        Assert.Equal(lamp.Id, (await second.GetView(false))?.Id);
    }
}
