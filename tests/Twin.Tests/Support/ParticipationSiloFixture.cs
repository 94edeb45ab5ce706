using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;

namespace Twin.Tests.Support;

/// <summary>
/// The silo with the participation and care clocks turned down to seconds: feedback escalates, a vulnerable household
/// counts as silent and its welfare check escalates within a test. The sample's own vulnerable households open checks
/// too, so tests look at their own households and never at exact community-wide counts.
/// </summary>
public sealed class ParticipationSiloFixture : SiloFixture
{
    public const string Community = "sunrise";
    public const string Property = "demo-property";
    public const string Committee = "demo-committee";
    public const string GridWang = "demo-grid-wang";
    public const string GridLi = "demo-grid-li";
    public const string Police = "demo-police";
    /// <summary>The three sample households with tokens, all in building B1.</summary>
    public const string Home0501 = "demo-home-B1-1-0501", Home0601 = "demo-home-B1-1-0601", Home0702 = "demo-home-B1-1-0702";

    public static readonly TimeSpan RespondWithin = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan InactivityWindow = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan AckWithin = TimeSpan.FromSeconds(2);

    readonly ConcurrentDictionary<string, HttpClient> clients = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Twin:Feedback:RespondWithin", RespondWithin.ToString("c")),
        new("Twin:Care:InactivityWindow", InactivityWindow.ToString("c")),
        new("Twin:Care:AckWithin", AckWithin.ToString("c")),
    ];

    /// <summary>A client that calls with <paramref name="token"/>, shared by the tests.</summary>
    public HttpClient As(string token) => clients.GetOrAdd(token, Client);

    /// <summary>Opens the live stream with <paramref name="token"/>; the events arrive in the background.</summary>
    public Task<LiveEvents> Stream(string token, string query) => LiveEvents.Open(Client(token), query);

    /// <summary>Provisions the household again with a resident who is not vulnerable, so its welfare watch ends.</summary>
    public async Task StopWatching(string household, string building)
    {
        var response = await Http.PostAsJsonAsync("/api/provision", new
        {
            households = new[] { new { id = household, building, unit = 1, floor = 1, members = new[] { new { name = "Test Resident", phone = "+86 138 0000 9999", vulnerability = Array.Empty<string>() } } } },
        });
        response.EnsureSuccessStatusCode();
    }

    public override async Task DisposeAsync()
    {
        foreach (var client in clients.Values)
            client.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ParticipationCollection : ICollectionFixture<ParticipationSiloFixture>
{
    public const string Name = "silo with short participation and care windows";
}

/// <summary>An SSE response read in the background: each <c>event:</c>/<c>data:</c> pair, kept in the order it came.</summary>
public sealed class LiveEvents : IAsyncDisposable
{
    readonly HttpClient client;
    readonly HttpResponseMessage response;
    readonly CancellationTokenSource stop = new();
    readonly Channel<(string Event, JsonElement Data)> arrived = Channel.CreateUnbounded<(string Event, JsonElement Data)>();
    readonly List<(string Event, JsonElement Data)> seen = [];
    Task reading = Task.CompletedTask;

    LiveEvents(HttpClient client, HttpResponseMessage response)
    {
        this.client = client;
        this.response = response;
    }

    public static async Task<LiveEvents> Open(HttpClient client, string query)
    {
        client.Timeout = Timeout.InfiniteTimeSpan;
        var response = await client.GetAsync($"/api/stream{query}", HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            throw new InvalidOperationException($"the stream did not open: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var events = new LiveEvents(client, response);
        events.reading = events.Read(await response.Content.ReadAsStreamAsync());
        return events;
    }

    async Task Read(Stream body)
    {
        using var reader = new StreamReader(body);
        string? name = null;
        try
        {
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                    name = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                    arrived.Writer.TryWrite((name ?? "message", JsonDocument.Parse(line[5..]).RootElement.Clone()));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>Every event received so far (after taking in what has arrived).</summary>
    public IReadOnlyList<(string Event, JsonElement Data)> Seen
    {
        get
        {
            while (arrived.Reader.TryRead(out var item))
                seen.Add(item);
            return [.. seen];
        }
    }

    /// <summary>The first event named <paramref name="name"/> whose data satisfies <paramref name="match"/>, received already or within the time.</summary>
    public async Task<JsonElement> WaitFor(string name, Func<JsonElement, bool> match, string what, TimeSpan? within = null)
    {
        foreach (var (e, data) in Seen)
            if (e == name && match(data))
                return data;
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var item = await arrived.Reader.ReadAsync(timeout.Token);
                seen.Add(item);
                if (item.Event == name && match(item.Data))
                    return item.Data;
            }
        }
        catch (OperationCanceledException)
        {
            var last = string.Join("\n", seen.TakeLast(5).Select(s => $"{s.Event} {s.Data}"));
            throw new TimeoutException($"No '{name}' event with {what} on the stream. Last received:\n{last}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        response.Dispose();
        await reading;
        client.Dispose();
        stop.Dispose();
    }
}

/// <summary>Reading the API's answers in tests: the status first (with the body when it is not the expected one), then the JSON.</summary>
public static class ApiAnswers
{
    public static async Task<JsonElement> Expect(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status)
            throw new Xunit.Sdk.XunitException($"Expected {(int)status} {status} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Expects a problem+json answer with <paramref name="status"/> and returns its detail.</summary>
    public static async Task<string> ExpectProblem(this HttpResponseMessage response, HttpStatusCode status)
    {
        var problem = await response.Expect(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }

    public static Task<JsonElement> GetJson(this HttpClient http, string path) => Get(http, path, HttpStatusCode.OK);

    public static async Task<JsonElement> Get(this HttpClient http, string path, HttpStatusCode status) => await (await http.GetAsync(path)).Expect(status);

    public static async Task<JsonElement> Post(this HttpClient http, string path, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        await (await http.PostAsJsonAsync(path, body)).Expect(status);

    /// <summary>The items of a list answer (<c>{count, items}</c>).</summary>
    public static async Task<JsonElement[]> Items(this HttpClient http, string path) =>
        [.. (await http.GetJson(path)).GetProperty("items").EnumerateArray()];

    /// <summary>
    /// Waits until the list at <paramref name="path"/> has an item that matches, and returns it. Lists are read from the
    /// community's boards, which learn of a change just after the answer to the call that made it.
    /// </summary>
    public static async Task<JsonElement> Listed(this HttpClient http, string path, Func<JsonElement, bool> match, string what) =>
        (await Eventually.Get(() => http.Items(path), items => items.Any(match), what)).First(match);

    /// <summary>Waits until no item of the list at <paramref name="path"/> matches.</summary>
    public static Task Unlisted(this HttpClient http, string path, Func<JsonElement, bool> match, string what) =>
        Eventually.Get(() => http.Items(path), items => !items.Any(match), what);

    public static string? Text(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string array property, empty when it is absent.</summary>
    public static string[] Strings(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [];

    public static int[] Ints(this JsonElement element, string name) => [.. element.GetProperty(name).EnumerateArray().Select(v => v.GetInt32())];

    /// <summary>The "what" of each timeline entry.</summary>
    public static string[] Timeline(this JsonElement element) => [.. element.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("what").GetString()!)];
}
