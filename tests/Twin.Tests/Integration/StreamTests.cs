using System.Text.Json;
using System.Threading.Channels;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class StreamTests(SiloFixture silo)
{
    /// <summary>Reads <c>event:</c>/<c>data:</c> pairs from an SSE response into a channel.</summary>
    static async Task ReadEvents(Stream body, ChannelWriter<(string Event, JsonElement Data)> events, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        string? eventName = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested && await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                    eventName = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                    events.TryWrite((eventName ?? "message", JsonDocument.Parse(line[5..]).RootElement.Clone()));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task The_stream_sends_one_event_per_change_filtered_by_building_and_kind()
    {
        var binInB4 = await silo.NewTwin("bin", building: "B4");
        var binInB5 = await silo.NewTwin("bin", building: "B5");
        var lampOverB4 = await silo.NewTwin("lamp", building: "B4");

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var streamClient = silo.Client(SiloFixture.AdminToken);
        streamClient.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await streamClient.GetAsync("/api/stream?building=B4&kind=bin", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = Channel.CreateUnbounded<(string Event, JsonElement Data)>();
        var reading = ReadEvents(await response.Content.ReadAsStreamAsync(cancel.Token), events.Writer, cancel.Token);

        var writesBefore = await silo.Metric("twin_stream_writes_total");
        await using var device = await silo.Device();
        await device.Publish($"twin/bin/{binInB5}/telemetry", new { seq = 1, fillPercent = 50 });
        await device.Publish($"twin/lamp/{lampOverB4}/telemetry", new { seq = 1, powerW = 12 });
        await device.Publish($"twin/bin/{binInB4}/telemetry", new { seq = 1, fillPercent = 33 });
        await device.Publish($"twin/bin/{binInB4}/telemetry", new { seq = 2, fillPercent = 34 });

        var received = new List<(string Event, JsonElement Data)>();
        while (received.Count(e => e.Data.GetProperty("id").GetString() == binInB4) < 2)
            received.Add(await events.Reader.ReadAsync(cancel.Token));

        Assert.All(received, e => Assert.Equal("twin", e.Event));
        Assert.All(received, e => Assert.Equal("bin", e.Data.GetProperty("kind").GetString()));
        Assert.DoesNotContain(received, e => e.Data.GetProperty("id").GetString() == binInB5);
        var fills = received.Where(e => e.Data.GetProperty("id").GetString() == binInB4)
            .Select(e => e.Data.GetProperty("reported").GetProperty("fillPercent").GetDouble()).ToArray();
        Assert.Equal([33.0, 34.0], fills);
        // What the streams cost the silo is their writes, so an operator can see them.
        await Eventually.True(async () => await silo.Metric("twin_stream_writes_total") > writesBefore, "the writes to the stream to be counted");
        await cancel.CancelAsync();
        await reading;
    }
}
