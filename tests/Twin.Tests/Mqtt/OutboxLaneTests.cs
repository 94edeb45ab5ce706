using System.Text;
using Twin.Silo.Mqtt;

namespace Twin.Tests.Mqtt;

public sealed class OutboxLaneTests
{
    static OutgoingMessage State(string twin, int version) =>
        new($"twin/{twin}/state", Encoding.UTF8.GetBytes($"{{\"version\":{version}}}"), true, "state", version);

    static OutgoingMessage Command(string twin, string id) =>
        new($"twin/{twin}/command", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"), false, "command", 0);

    static async Task<List<OutgoingMessage>> Drain(OutboxLane lane)
    {
        lane.Complete();
        var read = new List<OutgoingMessage>();
        await foreach (var message in lane.ReadAllAsync(CancellationToken.None))
            read.Add(message);
        return read;
    }

    static string Text(OutgoingMessage message) => $"{message.Topic} {Encoding.UTF8.GetString(message.Payload)}";

    [Fact]
    public async Task A_state_still_waiting_gives_its_place_to_the_newer_state_of_its_twin()
    {
        var lane = new OutboxLane(10);
        Assert.True(lane.Offer(State("building/B1", 1), out var none));
        Assert.Null(none);
        Assert.True(lane.Offer(State("lamp/L-01", 1), out _));
        Assert.True(lane.Offer(State("building/B1", 2), out var replaced));
        Assert.True(lane.Offer(State("building/B1", 3), out _));

        Assert.Equal(1, replaced?.Enqueued);
        Assert.Equal(["twin/building/B1/state {\"version\":3}", "twin/lamp/L-01/state {\"version\":1}"], (await Drain(lane)).Select(Text));
    }

    [Fact]
    public async Task Commands_each_keep_their_place_and_their_order()
    {
        var lane = new OutboxLane(10);
        lane.Offer(Command("gate/G1", "c1"), out _);
        lane.Offer(State("gate/G1", 1), out _);
        lane.Offer(Command("gate/G1", "c2"), out var superseded);

        Assert.Null(superseded);
        Assert.Equal(["twin/gate/G1/command {\"id\":\"c1\"}", "twin/gate/G1/state {\"version\":1}", "twin/gate/G1/command {\"id\":\"c2\"}"],
            (await Drain(lane)).Select(Text));
    }

    [Fact]
    public async Task A_full_lane_refuses_new_topics_but_takes_the_newest_state_of_one_it_holds()
    {
        var lane = new OutboxLane(2);
        Assert.True(lane.Offer(State("bin/X1", 1), out _));
        Assert.True(lane.Offer(Command("gate/G1", "c1"), out _));

        Assert.False(lane.Offer(State("bin/X2", 1), out _));
        Assert.False(lane.Offer(Command("gate/G1", "c2"), out _));
        Assert.True(lane.Offer(State("bin/X1", 2), out _));

        Assert.Equal(["twin/bin/X1/state {\"version\":2}", "twin/gate/G1/command {\"id\":\"c1\"}"], (await Drain(lane)).Select(Text));
    }

    [Fact]
    public async Task A_state_offered_after_its_topic_was_read_goes_out_again()
    {
        var lane = new OutboxLane(10);
        lane.Offer(State("lamp/L-01", 1), out _);
        var reader = lane.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(1, reader.Current.Enqueued);

        Assert.True(lane.Offer(State("lamp/L-01", 2), out var superseded));
        Assert.Null(superseded);
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(2, reader.Current.Enqueued);
        await reader.DisposeAsync();
    }
}
