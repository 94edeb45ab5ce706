using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Communities;
using Twin.History;
using Twin.Schema;
using Twin.Silo.Security;
using Twin.Silo.Topology;
using Twin.Twins;

namespace Twin.Silo.Http;

public static class TwinEndpoints
{
    public static RouteGroupBuilder MapTwins(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/twins").WithTags("Twins");
        group.MapGet("/{kind}/{id}", GetTwin).WithSummary("One live twin").RequireAccess("twins.get");
        group.MapGet("/", ListTwins).WithSummary("Twins matching kind, building and status, from the rollups").RequireAccess("twins.list");
        group.MapGet("/{kind}/{id}/history", GetHistory).WithSummary("Accepted messages and state changes of one twin, newest first").RequireAccess("twins.history");
        group.MapPost("/{kind}/{id}/commands", SendCommand).WithSummary("Send a command to a device through its twin").RequireAccess("twins.command");
        return group;
    }

    static async Task<Results<Ok<TwinView>, ProblemHttpResult>> GetTwin(string kind, string id, HttpContext http, IGrainFactory grains, PersonalData personal)
    {
        if (Problems.CheckTwin(kind, id, out var twin) is { } problem)
            return problem;
        var view = await grains.GetTwin(twin).GetView(includePersonalData: true);
        return view is null ? Problems.NotFound($"No {kind} '{id}' is provisioned.") : TypedResults.Ok(await personal.Show(http.RequireParty(), view, "http"));
    }

    static async Task<Results<Ok<HistoryPage>, ProblemHttpResult>> GetHistory(string kind, string id, string? from, string? to, int? limit,
        IGrainFactory grains, IHistoryLog history, CancellationToken cancellationToken)
    {
        if (Problems.CheckTwin(kind, id, out var twin) is { } problem)
            return problem;
        if (!TryReadTime(from, out var since) || !TryReadTime(to, out var until))
            return Problems.BadRequest("from and to are ISO 8601 times with an offset, e.g. 2026-11-23T08:00:00Z.");
        if (limit is < 1 or > 10_000)
            return Problems.BadRequest("limit must be between 1 and 10000.");
        if (since >= until)
            return Problems.BadRequest("from must be earlier than to.");
        if (await grains.GetTwin(twin).GetView(includePersonalData: false) is null)
            return Problems.NotFound($"No {kind} '{id}' is provisioned.");
        var items = await history.Read(new HistoryQuery(twin.ToString(), since, until, limit ?? 100), cancellationToken);
        return TypedResults.Ok(new HistoryPage(twin.ToString(), history.Retention, items.Count, items));
    }

    static bool TryReadTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
            return true;
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
            return false;
        time = parsed;
        return true;
    }

    static async Task<Results<Ok<TwinList>, ProblemHttpResult>> ListTwins(string? kind, string? building, string? status, int? limit,
        IGrainFactory grains, Provisioner provisioner)
    {
        if (kind is not null && KindRegistry.Find(kind) is null)
            return Problems.BadRequest($"There is no twin kind '{kind}'. Kinds: {string.Join(", ", KindRegistry.All.Select(k => k.Kind))}.");
        if (building is not null && !TwinId.IsValidId(building))
            return Problems.BadRequest($"'{building}' is not a valid building id.");
        if (status is not null && !TwinStatusNames.TryParse(status, out _))
            return Problems.BadRequest($"There is no status '{status}'. Statuses: ok, warning, alarm, fault, offline.");
        if (limit is < 1 or > 100_000)
            return Problems.BadRequest("limit must be between 1 and 100000.");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var items = await grains.GetCommunity(community).Query(new TwinQuery(kind, building, status, limit ?? 1000));
        return TypedResults.Ok(new TwinList(items.Length, items));
    }

    static async Task<Results<Accepted<CommandAccepted>, Ok<CommandAccepted>, ProblemHttpResult>> SendCommand(
        string kind, string id, CommandRequest request, HttpContext http, IGrainFactory grains)
    {
        if (Problems.CheckTwin(kind, id, out var twin) is { } problem)
            return problem;
        if (string.IsNullOrWhiteSpace(request.Command))
            return Problems.BadRequest("The body needs \"command\", e.g. {\"command\": \"set_brightness\", \"args\": {\"brightness\": 100}}.");
        var spec = KindRegistry.Get(kind).Schema.FindCommand(request.Command);
        if (spec is null)
        {
            var known = KindRegistry.Get(kind).Schema.Commands.Select(c => c.Name).Append(KindSchema.ClearAlarm.Name);
            return Problems.BadRequest($"A {kind} has no command '{request.Command}'. Commands: {string.Join(", ", known)}.");
        }
        if (request.Args is { } a && a.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            return Problems.BadRequest("\"args\" must be a JSON object.");
        var argsElement = request.Args is { ValueKind: JsonValueKind.Object } o ? o : JsonDocument.Parse("{}").RootElement;
        var args = MessageParser.ReadFields(spec.Args, argsElement, $"command \"{spec.Name}\"", out var rejection);
        if (rejection is not null)
            return Problems.BadRequest(Problems.Sentence(rejection.Reason));
        if (request.Reason is { Length: > 256 })
            return Problems.BadRequest("\"reason\" is at most 256 characters.");

        var outcome = await grains.GetTwin(twin).Command(spec.Name, args, request.Reason, http.RequireParty().Id, drill: false);
        if (!outcome.Found)
            return Problems.NotFound($"No {kind} '{id}' is provisioned.");
        if (outcome.Error is { } error)
            return Problems.Conflict(Problems.Sentence(error));
        var accepted = new CommandAccepted(outcome.CommandId, spec.Name, outcome.Status);
        return outcome.CommandId is null
            ? TypedResults.Ok(accepted)
            : TypedResults.Accepted($"/api/twins/{kind}/{id}", accepted);
    }
}

public sealed record HistoryPage(string Twin, string Retention, int Count, IReadOnlyList<HistoryRecord> Items);

public sealed record TwinList(int Count, ImmutableArray<TwinSummary> Items);

public sealed record CommandRequest(string? Command, JsonElement? Args, string? Reason);

public sealed record CommandAccepted(string? Id, string Command, string Status);
