using System.Text;
using Microsoft.AspNetCore.Authorization;

namespace Twin.Silo.Security;

/// <summary>Which roles may call a route. A resident's access to a twin is further limited to its own household.</summary>
/// <param name="ResidentSees">For routes that narrow what a resident gets themselves: what that is, for docs/security.md.</param>
public sealed record RouteAccess(string Name, string Method, string Path, IReadOnlyList<string> Roles, bool ResidentOwnOnly = false, string? ResidentSees = null);

/// <summary>
/// The role × route matrix: every route of the API and the roles that may call it. Endpoints name their row with
/// <see cref="RequireAccess"/>; the authorization policies, the resident's own-household rule and the table in
/// docs/security.md all come from this one list.
/// </summary>
public static class AccessMatrix
{
    public static IReadOnlyList<string> Roles => Parties.Roles.All;

    static readonly string[] Everyone = [.. Parties.Roles.All];
    static readonly string[] Staff = [.. Parties.Roles.All.Where(r => r != "resident")];
    // The incident grain holds the same rule, so closing is refused however it is asked for.
    static readonly string[] Coordinators = [.. Incidents.IncidentRules.CoordinatorRoles];
    static readonly string[] Resident = [Parties.Roles.Resident];
    static readonly string[] CommitteeAndAdmin = [Parties.Roles.Committee, Parties.Roles.Admin];
    static readonly string[] CareStaff = [Parties.Roles.Grid, Parties.Roles.Committee, Parties.Roles.Admin];

    public static readonly IReadOnlyList<RouteAccess> Routes =
    [
        new("session", "GET", "/api/session", Everyone),
        new("kinds", "GET", "/api/kinds", Everyone),
        new("twins.get", "GET", "/api/twins/{kind}/{id}", Everyone, ResidentOwnOnly: true),
        new("twins.list", "GET", "/api/twins", Staff),
        new("twins.history", "GET", "/api/twins/{kind}/{id}/history", ["property", "committee", "grid", "admin", "resident"], ResidentOwnOnly: true),
        new("twins.command", "POST", "/api/twins/{kind}/{id}/commands", ["property", "admin"]),
        new("communities.get", "GET", "/api/communities/{id}", Everyone),
        new("stream", "GET", "/api/stream", Everyone, ResidentSees: "own household, feedback, polls, notices"),
        new("incidents.raise", "POST", "/api/incidents", Staff),
        new("incidents.list", "GET", "/api/incidents", Staff),
        new("incidents.get", "GET", "/api/incidents/{id}", Staff),
        new("incidents.task", "POST", "/api/incidents/{id}/tasks/{taskId}/ack · /complete", Staff),
        new("incidents.household", "POST", "/api/incidents/{id}/households/{household}", ["property", "committee", "grid", "fire", "admin"]),
        new("incidents.close", "POST", "/api/incidents/{id}/close", Coordinators),
        new("incidents.report", "GET", "/api/incidents/{id}/report", Staff),
        new("workorders.list", "GET", "/api/workorders", ["property", "committee", "grid", "admin"]),
        new("workorders.get", "GET", "/api/workorders/{id}", ["property", "committee", "grid", "admin"]),
        new("workorders.step", "POST", "/api/workorders/{id}/assign · /start · /complete", ["property", "admin"]),
        new("workorders.rating", "POST", "/api/workorders/{id}/rating", Resident, ResidentSees: "the household that raised it"),
        new("feedback.file", "POST", "/api/feedback", Resident),
        new("feedback.list", "GET", "/api/feedback", [.. Feedback.FeedbackRules.Answerers, Parties.Roles.Resident], ResidentSees: "own feedback"),
        new("feedback.get", "GET", "/api/feedback/{id}", [.. Feedback.FeedbackRules.Answerers, Parties.Roles.Resident], ResidentSees: "own feedback"),
        new("feedback.answer", "POST", "/api/feedback/{id}/answer", [.. Feedback.FeedbackRules.Answerers]),
        new("feedback.workorder", "POST", "/api/feedback/{id}/workorder", [.. Feedback.FeedbackRules.WorkOrderers]),
        new("polls.open", "POST", "/api/polls", CommitteeAndAdmin),
        new("polls.list", "GET", "/api/polls", Everyone, ResidentSees: "its building's and the community's"),
        new("polls.get", "GET", "/api/polls/{id}", Everyone, ResidentSees: "its building's and the community's"),
        new("polls.vote", "POST", "/api/polls/{id}/votes", Resident, ResidentSees: "one vote per household"),
        new("polls.close", "POST", "/api/polls/{id}/close", CommitteeAndAdmin),
        new("notices.list", "GET", "/api/notices", Everyone, ResidentSees: "its building's and the community's"),
        new("welfare.list", "GET", "/api/welfare", CareStaff),
        new("welfare.get", "GET", "/api/welfare/{household}", CareStaff),
        new("welfare.step", "POST", "/api/welfare/{household}/ack · /complete", CareStaff),
        new("provision", "POST", "/api/provision", ["admin"]),
        new("diagnostics.memory", "GET", "/api/diagnostics/memory", ["admin"]),
        new("audit", "GET", "/api/audit", ["committee", "resident", "admin"]),
        new("dashboard", "GET", "/dashboard", ["admin"]),
    ];

    static string PolicyName(string route) => $"route:{route}";

    public static RouteAccess Get(string route) => Routes.FirstOrDefault(r => r.Name == route) ?? throw new ArgumentException($"No route '{route}' in the access matrix.", nameof(route));

    /// <summary>Only the roles of this route's row may call it.</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder endpoint, string route) where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(PolicyName(Get(route).Name));

    public static AuthorizationBuilder AddAccessMatrix(this AuthorizationBuilder authorization)
    {
        foreach (var route in Routes)
            authorization.AddPolicy(PolicyName(route.Name), policy =>
            {
                policy.RequireRole(route.Roles);
                if (route.ResidentOwnOnly)
                    policy.AddRequirements(new ResidentOwnHousehold());
            });
        return authorization;
    }

    /// <summary>The matrix as the Markdown table in docs/security.md.</summary>
    public static string MarkdownTable()
    {
        var table = new StringBuilder();
        table.Append("| route | ").AppendJoin(" | ", Roles).AppendLine(" |");
        table.Append("|---|").AppendJoin("", Roles.Select(_ => "---|")).AppendLine();
        foreach (var route in Routes)
        {
            table.Append($"| `{route.Method} {route.Path}` | ");
            table.AppendJoin(" | ", Roles.Select(role => !route.Roles.Contains(role) ? "—"
                : role != "resident" ? "✓"
                : route.ResidentOwnOnly ? "own household" : route.ResidentSees ?? "✓"));
            table.AppendLine(" |");
        }
        return table.ToString();
    }
}

/// <summary>A resident reads twins only of its own household.</summary>
public sealed class ResidentOwnHousehold : IAuthorizationRequirement;

public sealed class ResidentOwnHouseholdHandler : AuthorizationHandler<ResidentOwnHousehold>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ResidentOwnHousehold requirement)
    {
        if (context.Resource is not HttpContext http || http.CurrentParty() is not { } party)
            return Task.CompletedTask;
        var values = http.Request.RouteValues;
        if (party.Role != "resident"
            || (values["kind"] as string == TwinKinds.Household && values["id"] as string == party.Household))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
