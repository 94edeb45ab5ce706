using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Boards;
using Twin.Communities;
using Twin.Polls;
using Twin.Silo.Security;
using Twin.Silo.Topology;
using Twin.Twins;

namespace Twin.Silo.Http;

/// <summary>Committee polls: one vote per household, changeable until the poll closes; results for the audience.</summary>
public static class PollEndpoints
{
    public static RouteGroupBuilder MapPolls(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/polls").WithTags("Polls");
        group.MapPost("/", Open).WithSummary("The committee opens a poll: {question, options, building?, closesAt}").RequireAccess("polls.open");
        group.MapGet("/", List).WithSummary("Polls with live counts, newest first; status=open|closed. A resident gets those of its building and community").RequireAccess("polls.list");
        group.MapGet("/{id}", Get).WithSummary("One poll with its counts; for a resident, also its household's vote").RequireAccess("polls.get");
        group.MapPost("/{id}/votes", Vote).WithSummary("A household votes, or changes its vote: {option}").RequireAccess("polls.vote");
        group.MapPost("/{id}/close", Close).WithSummary("Close the poll before its time; the result is published as a notice").RequireAccess("polls.close");
        return group;
    }

    static async Task<Results<Created<PollView>, ProblemHttpResult>> Open(PollCreateRequest request, HttpContext http, IGrainFactory grains, Provisioner provisioner, TimeProvider clock)
    {
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var now = clock.GetUtcNow();
        var options = request.Options?.Select(o => o?.Trim() ?? "").ToList();
        if (PollRules.Check(request.Question, options, request.ClosesAt, now) is { } problem)
            return Problems.BadRequest(Problems.Sentence(problem));
        if (request.Building is { } building && (!TwinId.IsValidId(building) || await grains.GetBuilding(building).GetView(false) is null))
            return Problems.BadRequest($"No building '{building}' is provisioned; leave \"building\" out for a poll of the whole community.");
        var eligible = (await grains.GetCommunity(community).Query(new TwinQuery(TwinKinds.Household, request.Building, null, int.MaxValue))).Length;
        var id = PollGrains.NewId(now);
        var view = await grains.GetPoll(id).Open(new PollRequest(community, request.Question!.Trim(), [.. options!], request.Building, request.ClosesAt!.Value, http.RequireParty().Id, eligible));
        return TypedResults.Created($"/api/polls/{id}", view);
    }

    static async Task<Results<Ok<PollList>, ProblemHttpResult>> List(string? status, HttpContext http, IGrainFactory grains, Provisioner provisioner)
    {
        if (status is not (null or PollStatuses.Open or PollStatuses.Closed))
            return Problems.BadRequest($"There is no poll status '{status}'. Statuses: open, closed.");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var party = http.RequireParty();
        var home = await party.HomeBuilding(grains);
        var items = (await grains.GetBoard<PollView>(community).Items())
            .Where(p => (status is null || p.Status == status) && (party.Role != Parties.Roles.Resident || p.IsFor(home)))
            .OrderByDescending(p => p.CreatedAt).ToImmutableArray();
        return TypedResults.Ok(new PollList(items.Length, items));
    }

    static async Task<Results<Ok<PollView>, ProblemHttpResult>> Get(string id, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid poll id.");
        var party = http.RequireParty();
        var view = await grains.GetPoll(id).GetView(party.Household);
        if (view is null)
            return Problems.NotFound($"No poll '{id}'.");
        if (party.Role == Parties.Roles.Resident && !view.IsFor(await party.HomeBuilding(grains)))
            return Problems.Forbidden($"This poll is for the households of building {view.Building}.");
        return TypedResults.Ok(view);
    }

    static async Task<Results<Ok<PollView>, ProblemHttpResult>> Vote(string id, VoteRequest request, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid poll id.");
        var party = http.RequireParty();
        if (party.Household is not { } household)
            return Problems.BadRequest("Votes are cast with a household's token.");
        var poll = grains.GetPoll(id);
        if (await poll.GetView(household) is not { } view)
            return Problems.NotFound($"No poll '{id}'.");
        if (request.Option is not { } option || !view.Options.Contains(option))
            return Problems.BadRequest($"\"option\" must be one of: {string.Join(", ", view.Options.Select(o => $"\"{o}\""))}.");
        var outcome = await poll.Vote(household, await party.HomeBuilding(grains), option);
        return outcome.Error is { } error ? Problems.Refused(error, outcome.NotFound, outcome.Forbidden) : TypedResults.Ok(outcome.Poll!);
    }

    static async Task<Results<Ok<PollView>, ProblemHttpResult>> Close(string id, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid poll id.");
        var outcome = await grains.GetPoll(id).Close(http.RequireParty().Id);
        return outcome.Error is { } error ? Problems.Refused(error, outcome.NotFound, outcome.Forbidden) : TypedResults.Ok(outcome.Poll!);
    }
}

public sealed record PollCreateRequest(string? Question, List<string?>? Options, string? Building, DateTimeOffset? ClosesAt);

public sealed record VoteRequest(string? Option);

public sealed record PollList(int Count, ImmutableArray<PollView> Items);
