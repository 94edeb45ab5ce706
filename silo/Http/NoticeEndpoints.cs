using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Boards;
using Twin.Notices;
using Twin.Silo.Security;
using Twin.Silo.Topology;

namespace Twin.Silo.Http;

/// <summary>Notices to residents, such as a closed poll's result.</summary>
public static class NoticeEndpoints
{
    public static RouteHandlerBuilder MapNotices(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/notices", List).WithTags("Notices")
            .WithSummary("Notices, newest first. A resident gets those of its building and of the whole community").RequireAccess("notices.list");

    static async Task<Results<Ok<NoticeList>, ProblemHttpResult>> List(HttpContext http, IGrainFactory grains, Provisioner provisioner)
    {
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var party = http.RequireParty();
        var home = await party.HomeBuilding(grains);
        var items = (await grains.GetBoard<NoticeView>(community).Items())
            .Where(n => party.Role != Parties.Roles.Resident || n.Building is null || n.Building == home)
            .OrderByDescending(n => n.At).ToImmutableArray();
        return TypedResults.Ok(new NoticeList(items.Length, items));
    }
}

public sealed record NoticeList(int Count, ImmutableArray<NoticeView> Items);
