using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Silo.Security;
using Twin.Silo.Streaming;
using Twin.Twins;

namespace Twin.Silo.Http;

public static class StreamEndpoints
{
    public static RouteGroupBuilder MapStream(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/stream").WithTags("Stream").RequireAccess("stream");
        group.MapGet("/", Stream).WithSummary("Server-Sent Events: one 'twin' event per twin change and one 'incident' event per incident change, filtered by building and kind");
        return group;
    }

    static Results<ServerSentEventsResult<object>, ProblemHttpResult> Stream(string? building, string? kind, TwinChangeFeed feed, HttpContext http)
    {
        if (kind is not null && kind != TwinKinds.Incident && KindRegistry.Find(kind) is null)
            return Problems.BadRequest($"There is no twin kind '{kind}'. Kinds: {string.Join(", ", KindRegistry.All.Select(k => k.Kind))}.");
        if (building is not null && !TwinId.IsValidId(building))
            return Problems.BadRequest($"'{building}' is not a valid building id.");

        bool Matches(LiveEvent change) => (kind is null || change.Kind == kind) && (building is null || change.IsIn(building));

        return TypedResults.ServerSentEvents(Items(feed.Subscribe(Matches, http.RequestAborted), http.Response));
    }

    static async IAsyncEnumerable<SseItem<object>> Items(IAsyncEnumerable<LiveEvent> changes, HttpResponse response,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Send the headers now: a client waiting for them must not have to wait for the first change.
        await response.Body.FlushAsync(cancellationToken);
        await foreach (var change in changes.WithCancellation(cancellationToken))
            yield return new SseItem<object>(change.Data, change.Event);
    }
}
