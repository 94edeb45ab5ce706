using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Twin.Silo.Streaming;
using Twin.Twins;

namespace Twin.Tests.Streaming;

public sealed class TwinChangeFeedTests
{
    static readonly TwinChangeFeed Feed = new(new StreamMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()),
        Options.Create(new StreamOptions()));

    static LiveEvent Change(string id, string? building, params string[] covers) =>
        new("twin", TwinKinds.Lamp, building, [.. covers], id, LiveEvent.Staff);

    static List<object> Received(TwinChangeFeed.Subscription subscription)
    {
        var received = new List<object>();
        while (subscription.Events.TryRead(out var change))
            received.Add(change.Data);
        return received;
    }

    [Fact]
    public void A_stream_following_a_building_gets_the_changes_in_or_covering_it_once_each_and_a_whole_stream_gets_all()
    {
        using var b1 = Feed.Subscribe("B1", change => change.IsIn("B1"));
        using var b2 = Feed.Subscribe("B2", change => change.IsIn("B2"));
        using var everything = Feed.Subscribe(null, _ => true);

        Feed.Publish(Change("in-b1", "B1"));
        Feed.Publish(Change("covers-b1-and-b2", "B1", "B1", "B2", "B2"));
        Feed.Publish(Change("covers-b2", null, "B2"));
        Feed.Publish(Change("in-b3", "B3"));

        Assert.Equal(["in-b1", "covers-b1-and-b2"], Received(b1));
        Assert.Equal(["covers-b1-and-b2", "covers-b2"], Received(b2));
        Assert.Equal(["in-b1", "covers-b1-and-b2", "covers-b2", "in-b3"], Received(everything));
    }

    [Fact]
    public void A_streams_own_filter_still_decides_and_a_closed_stream_gets_nothing_more()
    {
        using var gatesOnly = Feed.Subscribe("B1", change => change.Kind == TwinKinds.Gate);
        var closed = Feed.Subscribe("B1", _ => true);
        closed.Dispose();

        Feed.Publish(Change("lamp-in-b1", "B1"));

        Assert.Empty(Received(gatesOnly));
        Assert.Empty(Received(closed));
    }
}
