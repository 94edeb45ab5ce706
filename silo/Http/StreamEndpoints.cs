using System.Buffers;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
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

    static async Task<Results<LiveStreamResult, ProblemHttpResult>> Stream(string? building, string? kind, TwinChangeFeed feed, HttpContext http, IGrainFactory grains)
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

        return new LiveStreamResult(feed.Subscribe(building, Matches));
    }
}

/// <summary>
/// Writes a subscription as Server-Sent Events (<c>event:</c> and <c>data:</c> lines). Whatever has queued up since the
/// last write goes out in one write and one flush, then the stream pauses (<see cref="StreamPacing"/>: 20 ms, longer
/// when many streams are open): a change after a quiet spell goes out at once, and the changes that come on its heels
/// wait for the next write. So a stream costs a system call per batch, not per event, however busy it is, and the
/// JSON is the event's own bytes, made once for every stream. A stream too slow to keep up loses its oldest events
/// (its queue holds 4,096), counted as <c>twin.stream.dropped</c>.
/// </summary>
public sealed class LiveStreamResult(TwinChangeFeed.Subscription subscription) : IResult, IEndpointMetadataProvider
{
    static readonly byte[] EventField = "event: "u8.ToArray();
    static readonly byte[] DataField = "\ndata: "u8.ToArray();
    static readonly byte[] EndOfEvent = "\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var _ = subscription;
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var stopping = httpContext.RequestAborted;
        var events = subscription.Events;
        var body = response.BodyWriter;
        try
        {
            // Subscribed already (before this point), so nothing that happens once the client has the headers is missed.
            await response.Body.FlushAsync(stopping);
            var previousWrite = Stopwatch.GetTimestamp();
            while (await events.WaitToReadAsync(stopping))
            {
                var written = 0;
                while (events.TryRead(out var change))
                {
                    written++;
                    body.Write(EventField);
                    Encoding.UTF8.GetBytes(change.Event, body);
                    body.Write(DataField);
                    body.Write(change.Json);
                    body.Write(EndOfEvent);
                }
                var pause = subscription.PauseAfterWrite(written, Stopwatch.GetElapsedTime(previousWrite));
                previousWrite = Stopwatch.GetTimestamp();
                var flushed = await body.FlushAsync(stopping);
                if (flushed.IsCompleted || flushed.IsCanceled)
                    return;
                // Each write is a system call and wakes the client, whatever it carries: 200 streams writing every 20 ms
                // were about 6,000 – 10,000 writes a second and slowed ingestion 10 – 18 % (BENCHMARKS.md, Before and after, 32).
                await Task.Delay(pause, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));
}
