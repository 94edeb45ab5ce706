using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Silo.Streaming;
using Twin.Twins;

namespace Twin.Silo.Http;

public static class StreamEndpoints
{
    public static RouteGroupBuilder MapStream(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/stream").WithTags("Stream").RequireAuthorization();
        group.MapGet("/", Stream).WithSummary("Server-Sent Events: one 'twin' event per twin change, filtered by building and kind");
        return group;
    }

    static Results<ServerSentEventsResult<TwinView>, ProblemHttpResult> Stream(string? building, string? kind, TwinChangeFeed feed, HttpContext http)
    {
        if (kind is not null && KindRegistry.Find(kind) is null)
            return Problems.BadRequest($"There is no twin kind '{kind}'. Kinds: {string.Join(", ", KindRegistry.All.Select(k => k.Kind))}.");
        if (building is not null && !TwinId.IsValidId(building))
            return Problems.BadRequest($"'{building}' is not a valid building id.");

        bool Matches(TwinView view) =>
            (kind is null || view.Kind == kind)
            && (building is null || view.Building == building || view.Covers.Contains(building) || (view.Kind == TwinKinds.Building && view.Id == building));

        return TypedResults.ServerSentEvents(feed.Subscribe(Matches, http.RequestAborted), eventType: "twin");
    }
}
