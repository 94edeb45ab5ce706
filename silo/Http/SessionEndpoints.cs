using Twin.Silo.Security;
using Twin.Silo.Topology;

namespace Twin.Silo.Http;

/// <summary>Who the caller is and what it may do: the console's login asks this, and shows only what the party may see.</summary>
public static class SessionEndpoints
{
    public static RouteHandlerBuilder MapSession(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/session", GetSession).WithTags("Session")
            .WithSummary("The caller's party, its community and the routes (access-matrix rows) it may call")
            .RequireAccess("session");

    static SessionView GetSession(HttpContext http, TopologyLoader topology)
    {
        var party = http.RequireParty();
        return new SessionView(
            new SessionParty(party.Id, party.Role, party.Name, party.Buildings, party.Household),
            topology.Community,
            [.. AccessMatrix.Routes.Where(route => route.Roles.Contains(party.Role)).Select(route => route.Name)]);
    }
}

public sealed record SessionParty(string Id, string Role, string Name, IReadOnlyList<string> Buildings, string? Household);

/// <summary><c>may</c> lists the access-matrix rows (docs/security.md) the party may call, such as <c>incidents.close</c>.</summary>
public sealed record SessionView(SessionParty Party, string? Community, IReadOnlyList<string> May);
