using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Audit;
using Twin.Silo.Security;
using Twin.Silo.Topology;

namespace Twin.Silo.Http;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit");
        group.MapGet("/", Query).RequireAccess("audit")
            .WithSummary("Who read which personal data, when and why; subject=kind/id (admin, committee) or subject=mine (a resident)");
        return group;
    }

    static async Task<Results<Ok<AuditList>, ProblemHttpResult>> Query(string? subject, int? limit, HttpContext http, IGrainFactory grains, Provisioner provisioner)
    {
        var party = http.RequireParty();
        if (party.Role == "resident")
        {
            if (subject != "mine" || party.Household is null)
                return TypedResults.Problem("A resident sees who read its own household's data: use subject=mine.", statusCode: 403, title: "Not allowed for this party");
            subject = $"{TwinKinds.Household}/{party.Household}";
        }
        else if (subject == "mine")
            return Problems.BadRequest("subject=mine is for residents; give a twin address such as household/B1-1-0501.");
        if (subject is not null && !TwinId.TryParse(subject, out _))
            return Problems.BadRequest($"subject must be a twin address such as household/B1-1-0501, not '{subject}'.");
        if (limit is < 1 or > 10_000)
            return Problems.BadRequest("limit must be between 1 and 10000.");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var entries = await grains.GetAuditLog(community).Query(subject, limit ?? 500);
        return TypedResults.Ok(new AuditList(entries.Length, entries));
    }
}

public sealed record AuditList(int Count, ImmutableArray<AuditEntry> Items);
