using Twin.Silo.Security;
using Twin.Twins;

namespace Twin.Silo.Http;

static class Residents
{
    /// <summary>The building of a resident's household, or null for other parties (and a household not provisioned).</summary>
    public static async Task<string?> HomeBuilding(this Party party, IGrainFactory grains) =>
        party.Household is { } household ? (await grains.GetTwin(new TwinId(TwinKinds.Household, household)).GetView(false))?.Building : null;
}
