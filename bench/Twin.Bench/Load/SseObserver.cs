using System.Net.Http.Headers;
using System.Text;

namespace Twin.Bench.Load;

/// <summary>
/// A client of the live stream (<c>GET /api/stream</c>, Server-Sent Events), as the console opens it, watching the twin
/// events for latency. The many clients of the fan-out runs are <see cref="StreamCounter"/>s.
/// </summary>
public sealed class SseObserver : IAsyncDisposable
{
    static readonly byte[] KindProperty = Encoding.UTF8.GetBytes("\"kind\":\"");
    static readonly byte[] IdProperty = Encoding.UTF8.GetBytes("\"id\":\"");

    readonly HttpClient http;
    readonly Traffic traffic;
    readonly CancellationTokenSource stop = new();
    readonly Task reading;
    readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Observation? current;

    SseObserver(Uri api, string token, Traffic traffic)
    {
        this.traffic = traffic;
        http = new HttpClient { BaseAddress = api, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        reading = Read("/api/stream");
    }

    public static async Task<SseObserver> Open(Uri api, string token, Traffic traffic)
    {
        var observer = new SseObserver(api, token, traffic);
        await observer.connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return observer;
    }

    public void Watch(Observation? observation) => Volatile.Write(ref current, observation);

    async Task Read(string path)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            response.EnsureSuccessStatusCode();
            connected.TrySetResult();
            await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
            using var reader = new StreamReader(body, Encoding.UTF8);
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                    continue;
                if (Volatile.Read(ref current) is { } observation)
                    OnTwinEvent(Encoding.UTF8.GetBytes(line), observation);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            connected.TrySetException(e);
        }
    }

    void OnTwinEvent(ReadOnlySpan<byte> data, Observation observation)
    {
        if (Text(data, KindProperty) is not { } kind || Text(data, IdProperty) is not { } id)
            return;
        if (traffic.ByTopicOrAddress.TryGetValue($"{kind}/{id}", out var device) && SeqReader.TryRead(data, SeqReader.LastSeq, out var seq))
            observation.Seen(device, seq);
    }

    static string? Text(ReadOnlySpan<byte> data, byte[] property)
    {
        var at = data.IndexOf(property);
        if (at < 0)
            return null;
        var rest = data[(at + property.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await reading;
        }
        catch (Exception)
        {
        }
        http.Dispose();
        stop.Dispose();
    }
}
