using System.Globalization;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Twin.Cli;

/// <summary>One event of the live stream: its type (<c>twin</c>, <c>incident</c>) and its data.</summary>
public sealed record LiveEvent(string Type, JsonElement Data);

/// <summary>
/// The silo's HTTP API as the CLI uses it. Every call returns the JSON the API answered; a problem answer becomes a
/// <see cref="TwinApiException"/>, and an API that cannot be reached a <see cref="TwinApiUnreachableException"/>.
/// </summary>
public sealed class TwinApiClient : IDisposable
{
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    readonly HttpClient http;
    readonly bool hasToken;

    public TwinApiClient(Connection connection, HttpMessageHandler? handler = null)
    {
        BaseUrl = connection.BaseUrl;
        hasToken = connection.Token is not null;
        http = handler is null ? new HttpClient() : new HttpClient(handler);
        // The event stream stays open for as long as the operator watches; ordinary calls get RequestTimeout each instead.
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("twin-cli", typeof(TwinApiClient).Assembly.GetName().Version?.ToString(3)));
        if (connection.Token is { } token)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri BaseUrl { get; }

    /// <summary>The base URL as people type it, for messages.</summary>
    string Address => BaseUrl.ToString().TrimEnd('/');

    public Task<JsonElement> GetTwin(string kind, string id, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, $"api/twins/{Segment(kind)}/{Segment(id)}", body: null, cancellationToken);

    public Task<JsonElement> ListTwins(string? kind, string? building, string? status, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, "api/twins" + Query(("kind", kind), ("building", building), ("status", status)), body: null, cancellationToken);

    public Task<JsonElement> SendCommand(string kind, string id, string command, JsonObject args, string? reason, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["command"] = command, ["args"] = args };
        if (reason is not null)
            body["reason"] = reason;
        return Send(HttpMethod.Post, $"api/twins/{Segment(kind)}/{Segment(id)}/commands", body, cancellationToken);
    }

    public Task<JsonElement> ListWorkOrders(string? status, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, "api/workorders" + Query(("status", status)), body: null, cancellationToken);

    public Task<JsonElement> AssignWorkOrder(string id, string assignee, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/workorders/{Segment(id)}/assign", new JsonObject { ["assignee"] = assignee }, cancellationToken);

    public Task<JsonElement> StartWorkOrder(string id, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/workorders/{Segment(id)}/start", new JsonObject(), cancellationToken);

    public Task<JsonElement> CompleteWorkOrder(string id, string? note, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        if (note is not null)
            body["note"] = note;
        return Send(HttpMethod.Post, $"api/workorders/{Segment(id)}/complete", body, cancellationToken);
    }

    /// <summary>The household that raised the work order (through its feedback) rates the finished work.</summary>
    public Task<JsonElement> RateWorkOrder(string id, int stars, string? comment, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/workorders/{Segment(id)}/rating", WithOptional(new JsonObject { ["stars"] = stars }, ("comment", comment)), cancellationToken);

    /// <summary>A resident files feedback with its household's token; <paramref name="twin"/> is the address of what it is about.</summary>
    public Task<JsonElement> FileFeedback(string category, string text, string? twin, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, "api/feedback", WithOptional(new JsonObject { ["category"] = category, ["text"] = text }, ("twin", twin)), cancellationToken);

    public Task<JsonElement> ListFeedback(string? status, string? building, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, "api/feedback" + Query(("status", status), ("building", building)), body: null, cancellationToken);

    public Task<JsonElement> GetFeedback(string id, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, $"api/feedback/{Segment(id)}", body: null, cancellationToken);

    public Task<JsonElement> AnswerFeedback(string id, string text, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/feedback/{Segment(id)}/answer", new JsonObject { ["text"] = text }, cancellationToken);

    public Task<JsonElement> FeedbackToWorkOrder(string id, string? summary, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/feedback/{Segment(id)}/workorder", WithOptional(new JsonObject(), ("summary", summary)), cancellationToken);

    public Task<JsonElement> OpenPoll(string question, IReadOnlyList<string> options, string? building, DateTimeOffset closesAt, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["question"] = question,
            ["options"] = new JsonArray([.. options.Select(o => JsonValue.Create(o))]),
            ["closesAt"] = closesAt.ToString("o", CultureInfo.InvariantCulture),
        };
        return Send(HttpMethod.Post, "api/polls", WithOptional(body, ("building", building)), cancellationToken);
    }

    public Task<JsonElement> ListPolls(string? status, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, "api/polls" + Query(("status", status)), body: null, cancellationToken);

    public Task<JsonElement> GetPoll(string id, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, $"api/polls/{Segment(id)}", body: null, cancellationToken);

    public Task<JsonElement> Vote(string id, string option, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/polls/{Segment(id)}/votes", new JsonObject { ["option"] = option }, cancellationToken);

    public Task<JsonElement> ClosePoll(string id, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/polls/{Segment(id)}/close", new JsonObject(), cancellationToken);

    public Task<JsonElement> ListNotices(CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, "api/notices", body: null, cancellationToken);

    public Task<JsonElement> ListWelfare(string? status, string? building, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, "api/welfare" + Query(("status", status), ("building", building)), body: null, cancellationToken);

    public Task<JsonElement> GetWelfare(string household, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, $"api/welfare/{Segment(household)}", body: null, cancellationToken);

    /// <summary><paramref name="action"/> is <c>ack</c> (someone is on the way) or <c>complete</c> (the visit was made).</summary>
    public Task<JsonElement> StepWelfareCheck(string household, string action, string? note, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/welfare/{Segment(household)}/{Segment(action)}", WithOptional(new JsonObject(), ("note", note)), cancellationToken);

    /// <summary>Raises an incident by hand; <c>Created</c> is false when it attached to the active incident of its type at that place.</summary>
    public async Task<(JsonElement Incident, bool Created)> RaiseIncident(
        string type, string? building, string? twin, string description, bool drill, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["type"] = type, ["description"] = description, ["drill"] = drill };
        if (building is not null)
            body["building"] = building;
        if (twin is not null)
            body["twin"] = twin;
        var (status, text) = await Exchange(HttpMethod.Post, "api/incidents", JsonContent(body), JsonTypes, cancellationToken);
        return (ParseJson(text, status), status == 201);
    }

    public Task<JsonElement> ListIncidents(string? status, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, "api/incidents" + Query(("status", status)), body: null, cancellationToken);

    public Task<JsonElement> GetIncident(string id, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, $"api/incidents/{Segment(id)}", body: null, cancellationToken);

    public Task<JsonElement> AcknowledgeIncidentTask(string id, string taskId, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/incidents/{Segment(id)}/tasks/{Segment(taskId)}/ack", body: null, cancellationToken);

    public Task<JsonElement> CompleteIncidentTask(string id, string taskId, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/incidents/{Segment(id)}/tasks/{Segment(taskId)}/complete", body: null, cancellationToken);

    public Task<JsonElement> CloseIncident(string id, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, $"api/incidents/{Segment(id)}/close", body: null, cancellationToken);

    public Task<JsonElement> GetIncidentReport(string id, CancellationToken cancellationToken) =>
        Send(HttpMethod.Get, $"api/incidents/{Segment(id)}/report", body: null, cancellationToken);

    /// <summary>The after-action report as the silo's printable HTML page.</summary>
    public async Task<string> GetIncidentReportPage(string id, CancellationToken cancellationToken) =>
        (await Exchange(HttpMethod.Get, $"api/incidents/{Segment(id)}/report?format=html", content: null, ["text/html", .. JsonTypes], cancellationToken)).Body;

    /// <summary>Adds or changes entities: <paramref name="topologyJson"/> is sent as it is, a document shaped like community.json.</summary>
    public Task<JsonElement> Provision(string topologyJson, CancellationToken cancellationToken) =>
        Send(HttpMethod.Post, "api/provision", new StringContent(topologyJson, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>The live stream of twin changes, until the caller cancels; the API closing it is an error.</summary>
    public async IAsyncEnumerable<LiveEvent> Stream(string? building, string? kind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Resolve("api/stream" + Query(("building", building), ("kind", kind))));
        request.Headers.Accept.ParseAdd("text/event-stream");
        // Without it the silo cannot write its problem answer (401, 400) to a request that accepts only events.
        request.Headers.Accept.ParseAdd("application/problem+json");

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }

        using (response)
        {
            await ThrowIfFailed(response, cancellationToken);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var items = SseParser.Create(body).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await items.MoveNextAsync())
                        break;
                }
                catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    throw new TwinApiUnreachableException($"the connection to the Twin API at {Address} broke: {e.Message}", e);
                }
                yield return new LiveEvent(items.Current.EventType, ParseJson(items.Current.Data, (int)response.StatusCode));
            }
        }

        throw new TwinApiUnreachableException($"the Twin API at {Address} closed the event stream — did the silo stop?");
    }

    public void Dispose() => http.Dispose();

    static readonly string[] JsonTypes = ["application/json", "application/problem+json"];

    Task<JsonElement> Send(HttpMethod method, string relativeUrl, JsonObject? body, CancellationToken cancellationToken) =>
        Send(method, relativeUrl, body is null ? null : JsonContent(body), cancellationToken);

    async Task<JsonElement> Send(HttpMethod method, string relativeUrl, HttpContent? content, CancellationToken cancellationToken)
    {
        var (status, text) = await Exchange(method, relativeUrl, content, JsonTypes, cancellationToken);
        return ParseJson(text, status);
    }

    /// <summary>One request and its successful answer's status and body; failures become the exceptions every command handles.</summary>
    async Task<(int Status, string Body)> Exchange(HttpMethod method, string relativeUrl, HttpContent? content, string[] accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Resolve(relativeUrl));
        foreach (var type in accept)
            request.Headers.Accept.ParseAdd(type);
        request.Content = content;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            await ThrowIfFailed(response, timeout.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TwinApiUnreachableException($"the Twin API at {Address} did not answer within {RequestTimeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
    }

    static JsonObject WithOptional(JsonObject body, params (string Name, string? Value)[] optional)
    {
        foreach (var (name, value) in optional)
            if (value is not null)
                body[name] = value;
        return body;
    }

    static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    async Task ThrowIfFailed(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var (title, detail) = ReadProblem(text);
        var message = detail ?? status switch
        {
            401 when hasToken => "the API refused the bearer token; check --token, TWIN_TOKEN or TWIN_ADMIN_TOKEN",
            401 => "the API needs a bearer token: pass --token, or set TWIN_TOKEN (the silo prints the admin token when it starts)",
            403 => "this token's party is not allowed to do that",
            _ => title ?? response.ReasonPhrase ?? "the request failed",
        };
        throw new TwinApiException(status, message);
    }

    static (string? Title, string? Detail) ReadProblem(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, null);
            var root = document.RootElement;
            return (NonEmptyString(root, "title"), NonEmptyString(root, "detail") ?? ValidationErrors(root));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>Model-binding failures come as a validation problem whose messages sit in <c>errors</c>, not <c>detail</c>.</summary>
    static string? ValidationErrors(JsonElement problem)
    {
        if (!problem.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
            return null;
        var messages = errors.EnumerateObject()
            .SelectMany(field => field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(message => message.ValueKind == JsonValueKind.String)
            .Select(message => message.GetString())
            .ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    static string? NonEmptyString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    static JsonElement ParseJson(string text, int status)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            var start = text.Length > 60 ? text[..60] + "…" : text;
            throw new TwinApiException(status, $"the answer is not JSON (is --url pointing at the Twin API?): {start.ReplaceLineEndings(" ")}");
        }
    }

    TwinApiUnreachableException Unreachable(HttpRequestException e)
    {
        var (reason, hint) = (e.HttpRequestError, e.InnerException) switch
        {
            (_, SocketException { SocketErrorCode: SocketError.ConnectionRefused }) => ("connection refused", "is the silo running?"),
            (HttpRequestError.NameResolutionError, _) => ("the host name does not resolve", "check --url or TWIN_URL"),
            (_, SocketException { SocketErrorCode: SocketError.TimedOut }) => ("the connection timed out", "is the address right and reachable?"),
            (HttpRequestError.SecureConnectionError, _) or (_, AuthenticationException) => ("the TLS handshake failed", "does the silo serve https at that address?"),
            (_, SocketException socket) => (socket.Message, "is the silo running?"),
            _ => (e.Message, "is the silo running?"),
        };
        return new TwinApiUnreachableException($"cannot reach the Twin API at {Address}: {reason} — {hint}", e);
    }

    Uri Resolve(string relativeUrl) => new(BaseUrl, relativeUrl);

    static string Segment(string value) => Uri.EscapeDataString(value);

    static string Query(params (string Name, string? Value)[] parameters)
    {
        var set = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return set.Count == 0 ? "" : "?" + string.Join('&', set);
    }
}
