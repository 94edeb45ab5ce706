using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Boards;
using Twin.Feedback;
using Twin.Silo.Security;
using Twin.Silo.Topology;
using Twin.Twins;
using Twin.WorkOrders;

namespace Twin.Silo.Http;

/// <summary>Residents' feedback: filed with a household token, answered or turned into a work order by the staff, rated when done.</summary>
public static class FeedbackEndpoints
{
    public static RouteGroupBuilder MapFeedback(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/feedback").WithTags("Feedback");
        group.MapPost("/", File).WithSummary("A resident files a report or suggestion: {category, text, twin?}").RequireAccess("feedback.file");
        group.MapGet("/", List).WithSummary("Feedback, newest first; status=open|answered|in_work|done|active. A resident gets its own").RequireAccess("feedback.list");
        group.MapGet("/{id}", Get).WithSummary("One piece of feedback with its timeline").RequireAccess("feedback.get");
        group.MapPost("/{id}/answer", Answer).WithSummary("Answer it without a work order: {text}").RequireAccess("feedback.answer");
        group.MapPost("/{id}/workorder", ToWorkOrder).WithSummary("Open a work order for it, linked both ways: {summary?}").RequireAccess("feedback.workorder");
        app.MapPost("/api/workorders/{id}/rating", Rate).WithTags("Work orders")
            .WithSummary("The household that raised the work order rates the finished work: {stars: 1-5, comment?}").RequireAccess("workorders.rating");
        return group;
    }

    static async Task<Results<Created<FeedbackView>, ProblemHttpResult>> File(FeedbackRequest request, HttpContext http, IGrainFactory grains, Provisioner provisioner, TimeProvider clock)
    {
        var party = http.RequireParty();
        if (party.Household is not { } household)
            return Problems.BadRequest("Feedback is filed with a household's token.");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        if (FeedbackRules.Check(request.Category, request.Text) is { } problem)
            return Problems.BadRequest(Problems.Sentence(problem));
        var building = await party.HomeBuilding(grains);
        string? twin = null;
        if (request.Twin is { } address)
        {
            if (!TwinId.TryParse(address, out var twinId) || KindRegistry.Find(twinId.Kind) is null)
                return Problems.BadRequest($"\"twin\" must be the address of what it is about, such as lamp/L-07, not '{address}'.");
            if (await grains.GetTwin(twinId).GetView(false) is not { } about)
                return Problems.BadRequest($"No {twinId.Kind} '{twinId.Id}' is provisioned.");
            twin = twinId.ToString();
            building = about.Kind == TwinKinds.Building ? about.Id : about.Building ?? about.Covers.FirstOrDefault() ?? building;
        }
        var id = FeedbackIds.New(clock.GetUtcNow());
        var view = await grains.GetFeedback(id).File(new FeedbackFiling(community, household, building, request.Category!, request.Text!.Trim(), twin, party.Id));
        return TypedResults.Created($"/api/feedback/{id}", view);
    }

    static async Task<Results<Ok<FeedbackList>, ProblemHttpResult>> List(string? status, string? building, HttpContext http, IGrainFactory grains, Provisioner provisioner)
    {
        if (status is not null && status != FeedbackStatuses.Active && !FeedbackStatuses.All.Contains(status))
            return Problems.BadRequest($"There is no feedback status '{status}'. Statuses: {string.Join(", ", FeedbackStatuses.All)}, active (open or in work).");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var party = http.RequireParty();
        var items = (await grains.GetBoard<FeedbackView>(community).Items())
            .Where(f => FeedbackStatuses.Matches(f.Status, status) && (building is null || f.Building == building))
            .Where(f => party.Role != Parties.Roles.Resident || f.Household == party.Household)
            .OrderByDescending(f => f.FiledAt).ToImmutableArray();
        return TypedResults.Ok(new FeedbackList(items.Length, items));
    }

    static async Task<Results<Ok<FeedbackView>, ProblemHttpResult>> Get(string id, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid feedback id.");
        var view = await grains.GetFeedback(id).GetView();
        if (view is null)
            return Problems.NotFound($"No feedback '{id}'.");
        var party = http.RequireParty();
        return party.Role == Parties.Roles.Resident && view.Household != party.Household
            ? Problems.Forbidden("A household sees only its own feedback.")
            : TypedResults.Ok(view);
    }

    static async Task<Results<Ok<FeedbackView>, ProblemHttpResult>> Answer(string id, AnswerRequest request, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid feedback id.");
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > FeedbackRules.MaxTextLength)
            return Problems.BadRequest($"\"text\" is needed (at most {FeedbackRules.MaxTextLength} characters): the answer the resident will read.");
        var party = http.RequireParty();
        return ToResult(await grains.GetFeedback(id).Answer(party.Id, party.Role, request.Text.Trim()));
    }

    static async Task<Results<Ok<FeedbackView>, ProblemHttpResult>> ToWorkOrder(string id, WorkOrderFromFeedback? request, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid feedback id.");
        if (request?.Summary is { Length: > 512 })
            return Problems.BadRequest("\"summary\" is at most 512 characters.");
        var party = http.RequireParty();
        return ToResult(await grains.GetFeedback(id).ToWorkOrder(party.Id, party.Role, string.IsNullOrWhiteSpace(request?.Summary) ? null : request.Summary.Trim()));
    }

    static async Task<Results<Ok<WorkOrderView>, ProblemHttpResult>> Rate(string id, RatingRequest request, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid work order id.");
        if (request.Stars is not (>= 1 and <= 5))
            return Problems.BadRequest("\"stars\" must be a whole number from 1 (poor) to 5 (excellent).");
        if (request.Comment is { Length: > WorkOrderRating.MaxCommentLength })
            return Problems.BadRequest($"\"comment\" is at most {WorkOrderRating.MaxCommentLength} characters.");
        var party = http.RequireParty();
        var outcome = await grains.GetWorkOrder(id).Rate(party.Household ?? "", request.Stars.Value, string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim());
        return outcome.Error is { } error ? Problems.Refused(error, outcome.NotFound, outcome.Forbidden) : TypedResults.Ok(outcome.WorkOrder!);
    }

    static Results<Ok<FeedbackView>, ProblemHttpResult> ToResult(FeedbackOutcome outcome) =>
        outcome.Error is { } error ? Problems.Refused(error, outcome.NotFound, outcome.Forbidden) : TypedResults.Ok(outcome.Feedback!);
}

public sealed record FeedbackRequest(string? Category, string? Text, string? Twin);

public sealed record AnswerRequest(string? Text);

public sealed record WorkOrderFromFeedback(string? Summary);

public sealed record RatingRequest(int? Stars, string? Comment);

public sealed record FeedbackList(int Count, ImmutableArray<FeedbackView> Items);
