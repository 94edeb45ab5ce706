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
        group.MapGet("/", Stream).WithSummary(
            "Server-Sent Events, filtered by building and kind: 'twin' and 'incident' for the staff; 'feedback', 'poll', 'notice' and 'welfare' "
            + "for whom they concern. A resident gets its own household, its feedback, and the polls and notices of its building and community");
        return group;
    }

    /// <summary>Event kinds besides the twin kinds.</summary>
    static readonly string[] OtherKinds = [TwinKinds.Incident, "feedback", "poll", "notice", "welfare"];

    static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> Stream(string? building, string? kind, TwinChangeFeed feed, HttpContext http, IGrainFactory grains)
    {
        if (kind is not null && !OtherKinds.Contains(kind) && KindRegistry.Find(kind) is null)
            return Problems.BadRequest($"There is no kind '{kind}'. Kinds: {string.Join(", ", KindRegistry.All.Select(k => k.Kind).Concat(OtherKinds))}.");
        if (building is not null && !TwinId.IsValidId(building))
            return Problems.BadRequest($"'{building}' is not a valid building id.");

        var party = http.RequireParty();
        var home = await party.HomeBuilding(grains);

        bool Matches(LiveEvent change) =>
            (kind is null || change.Kind == kind) && (building is null || change.IsIn(building))
            && change.Audience.Admits(party.Role, party.Household, home, party.Buildings);

        return TypedResults.ServerSentEvents(Items(feed.Subscribe(Matches, http.RequestAborted), http.Response));
    }

    static async IAsyncEnumerable<SseItem<string>> Items(IAsyncEnumerable<LiveEvent> changes, HttpResponse response,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The first MoveNextAsync subscribes (the feed's iterator runs up to its first wait), so nothing that happens
        // once the client has the headers is missed. Then send the headers: a client must not wait for the first change.
        await using var subscription = changes.GetAsyncEnumerator(cancellationToken);
        var next = subscription.MoveNextAsync();
        await response.Body.FlushAsync(cancellationToken);
        while (await next)
        {
            yield return new SseItem<string>(subscription.Current.Json, subscription.Current.Event);
            next = subscription.MoveNextAsync();
        }
    }
}
