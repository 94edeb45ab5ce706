using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Silo.Security;
using Twin.Silo.Topology;
using Twin.WorkOrders;

namespace Twin.Silo.Http;

public static class WorkOrderEndpoints
{
    public static RouteGroupBuilder MapWorkOrders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workorders").WithTags("Work orders");
        group.MapGet("/", List).WithSummary("Work orders, newest first; status=open|assigned|in_progress|done|active").RequireAccess("workorders.list");
        group.MapGet("/{id}", Get).WithSummary("One work order with its history").RequireAccess("workorders.get");
        group.MapPost("/{id}/assign", (string id, AssignRequest body, HttpContext http, IGrainFactory grains) =>
            Step(id, "assign", body.Assignee, body.Note, http, grains)).RequireAccess("workorders.step").WithSummary("Assign to a person or team");
        group.MapPost("/{id}/start", (string id, StepRequest? body, HttpContext http, IGrainFactory grains) =>
            Step(id, "start", null, body?.Note, http, grains)).RequireAccess("workorders.step").WithSummary("Work has started");
        group.MapPost("/{id}/complete", (string id, StepRequest? body, HttpContext http, IGrainFactory grains) =>
            Step(id, "complete", null, body?.Note, http, grains)).RequireAccess("workorders.step").WithSummary("Work is done");
        return group;
    }

    static async Task<Results<Ok<WorkOrderList>, ProblemHttpResult>> List(string? status, IGrainFactory grains, Provisioner provisioner)
    {
        if (status is not null && status != "active" && !WorkOrderStatusNames.TryParse(status, out _))
            return Problems.BadRequest($"There is no work order status '{status}'. Statuses: open, assigned, in_progress, done, active (not done).");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var items = await grains.GetWorkOrderBoard(community).Query(status);
        return TypedResults.Ok(new WorkOrderList(items.Length, items));
    }

    static async Task<Results<Ok<WorkOrderView>, ProblemHttpResult>> Get(string id, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid work order id.");
        var view = await grains.GetWorkOrder(id).GetView();
        return view is null ? Problems.NotFound($"No work order '{id}'.") : TypedResults.Ok(view);
    }

    static async Task<Results<Ok<WorkOrderView>, ProblemHttpResult>> Step(string id, string action, string? assignee, string? note, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid work order id.");
        if (action == "assign" && string.IsNullOrWhiteSpace(assignee))
            return Problems.BadRequest("Assigning needs {\"assignee\": \"who\"}.");
        if (assignee is { Length: > 128 } || note is { Length: > 1024 })
            return Problems.BadRequest("\"assignee\" is at most 128 characters and \"note\" at most 1024.");
        var outcome = await grains.GetWorkOrder(id).Step(action, http.RequireParty().Id, assignee, note);
        return outcome.Error is { } error ? Problems.Refused(error, outcome.NotFound, outcome.Forbidden) : TypedResults.Ok(outcome.WorkOrder!);
    }
}

public sealed record WorkOrderList(int Count, ImmutableArray<WorkOrderView> Items);

public sealed record AssignRequest(string? Assignee, string? Note);

public sealed record StepRequest(string? Note);
