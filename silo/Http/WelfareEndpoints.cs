using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Audit;
using Twin.Boards;
using Twin.Care;
using Twin.Silo.Security;
using Twin.Silo.Topology;

namespace Twin.Silo.Http;

/// <summary>
/// Welfare checks of vulnerable households, for the grid workers of their buildings, the committee and the admin. The
/// residents' names and phones are shown so the visitor knows whom to ask for; every such read is audited.
/// </summary>
public static class WelfareEndpoints
{
    const string Purpose = "welfare check: care of a vulnerable resident";

    public static RouteGroupBuilder MapWelfare(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/welfare").WithTags("Welfare checks");
        group.MapGet("/", List).WithSummary("Watched vulnerable households and their welfare checks; status=open|escalated|closed, building=. A grid worker gets its buildings").RequireAccess("welfare.list");
        group.MapGet("/{household}", Get).WithSummary("One watched household: its last activity and its open or last check").RequireAccess("welfare.get");
        group.MapPost("/{household}/ack", (string household, WelfareStepRequest? body, HttpContext http, IGrainFactory grains, Provisioner provisioner, TimeProvider clock) =>
            Step(household, "ack", body?.Note, http, grains, provisioner, clock)).WithSummary("Acknowledge the open welfare check: someone is on the way").RequireAccess("welfare.step");
        group.MapPost("/{household}/complete", (string household, WelfareStepRequest? body, HttpContext http, IGrainFactory grains, Provisioner provisioner, TimeProvider clock) =>
            Step(household, "complete", body?.Note, http, grains, provisioner, clock)).WithSummary("The visit was made: close the check, with a note").RequireAccess("welfare.step");
        return group;
    }

    static async Task<Results<Ok<WelfareList>, ProblemHttpResult>> List(string? status, string? building, HttpContext http, IGrainFactory grains, Provisioner provisioner, TimeProvider clock)
    {
        if (status is not (null or "open" or "escalated" or "closed"))
            return Problems.BadRequest($"There is no welfare status '{status}'. Statuses: open, escalated (open and past a deadline), closed.");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var party = http.RequireParty();
        var items = (await grains.GetBoard<WelfareView>(community).Items())
            .Where(w => w.Watching && InScope(party, w.Building) && (building is null || w.Building == building))
            .Where(w => status switch
            {
                "open" => w.Check?.IsOpen == true,
                "escalated" => w.Check is { IsOpen: true, Task.MissedDeadlines: > 0 },
                "closed" => w.Check is { IsOpen: false },
                _ => true,
            })
            .OrderByDescending(w => w.Check?.IsOpen == true).ThenByDescending(w => w.Check?.OpenedAt).ThenBy(w => w.Household, StringComparer.Ordinal)
            .ToImmutableArray();
        await Audit(party, items, grains, community, clock);
        return TypedResults.Ok(new WelfareList(items.Length, items));
    }

    static async Task<Results<Ok<WelfareView>, ProblemHttpResult>> Get(string household, HttpContext http, IGrainFactory grains, Provisioner provisioner, TimeProvider clock)
    {
        if (!TwinId.IsValidId(household))
            return Problems.BadRequest($"'{household}' is not a valid household id.");
        var view = await grains.GetWelfareWatch(household).GetView();
        if (view is null)
            return Problems.NotFound($"Household {household} has never been under a welfare watch (no resident is flagged vulnerable).");
        var party = http.RequireParty();
        if (!InScope(party, view.Building))
            return Problems.Forbidden($"Household {household} is in building {view.Building}, which grid worker {party.Id} does not look after.");
        await Audit(party, [view], grains, view.Community, clock);
        return TypedResults.Ok(view);
    }

    static async Task<Results<Ok<WelfareView>, ProblemHttpResult>> Step(string household, string action, string? note, HttpContext http, IGrainFactory grains, Provisioner provisioner, TimeProvider clock)
    {
        if (!TwinId.IsValidId(household))
            return Problems.BadRequest($"'{household}' is not a valid household id.");
        if (note is { Length: > 1000 })
            return Problems.BadRequest("\"note\" is at most 1000 characters.");
        var party = http.RequireParty();
        var outcome = await grains.GetWelfareWatch(household).Step(action, party.Id, party.Role, string.IsNullOrWhiteSpace(note) ? null : note.Trim());
        if (outcome.Error is { } error)
            return Problems.Refused(error, outcome.NotFound, outcome.Forbidden);
        await Audit(party, [outcome.Welfare!], grains, outcome.Welfare!.Community, clock);
        return TypedResults.Ok(outcome.Welfare!);
    }

    /// <summary>A grid worker sees the households of its own buildings; the committee and the admin see all.</summary>
    static bool InScope(Party party, string? building) =>
        party.Role != Parties.Roles.Grid || party.Buildings.IsEmpty || (building is not null && party.Buildings.Contains(building));

    static async Task Audit(Party party, IEnumerable<WelfareView> shown, IGrainFactory grains, string community, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        await grains.GetAuditLog(community).RecordAll([.. shown.Where(v => v.Residents is { IsEmpty: false })
            .Select(v => new AuditEntry(now, party.Id, party.Role, $"household/{v.Household}", ["members"], Purpose, "http"))]);
    }
}

public sealed record WelfareStepRequest(string? Note);

public sealed record WelfareList(int Count, ImmutableArray<WelfareView> Items);
