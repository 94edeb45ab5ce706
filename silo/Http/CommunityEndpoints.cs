using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Communities;
using Twin.Silo.Security;

namespace Twin.Silo.Http;

public static class CommunityEndpoints
{
    public static RouteGroupBuilder MapCommunities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/communities").WithTags("Communities");
        group.MapGet("/{id}", GetOverview).WithSummary("Counts by kind and status, alarms, occupancy, open work orders").RequireAccess("communities.get");
        return group;
    }

    static async Task<Results<Ok<CommunityOverview>, ProblemHttpResult>> GetOverview(string id, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid community id.");
        var overview = await grains.GetCommunity(id).GetOverview();
        return overview is null ? Problems.NotFound($"No community '{id}' is loaded.") : TypedResults.Ok(overview);
    }
}
