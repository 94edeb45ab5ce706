using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Twin.Silo.Mqtt;
using Twin.Tests.Support;

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
        lane.Offer(Command("gate/G1", "c2"), out _);

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

    [Fact]
    public async Task Under_many_producers_every_accepted_state_is_published_or_replaced_and_each_topic_ends_on_its_newest()
    {
        // A small lane, mostly full, eight threads offering the states of three topics, a reader that keeps pausing.
        var lane = new OutboxLane(2);
        var accepted = new ConcurrentDictionary<long, bool>();
        var replaced = new ConcurrentQueue<long>();
        var published = new ConcurrentQueue<(string Topic, long Id)>();
        long next = 0;

        var reader = Task.Run(async () =>
        {
            await foreach (var message in lane.ReadAllAsync(CancellationToken.None))
            {
                published.Enqueue((message.Topic, Id(message)));
                if (published.Count % 16 == 0)
                    await Task.Delay(1);
            }
        });
        void Offer(long id)
        {
            if (!lane.Offer(State(id), out var older))
                return;
            accepted[id] = true;
            if (older is { } gone)
                replaced.Enqueue(Id(gone));
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
                Offer(Interlocked.Increment(ref next));
        })));
        // Then one last state per topic, from one thread, until the lane takes it.
        var last = Enumerable.Range(1, 3).Select(k => next + k).ToList();
        foreach (var id in last)
            await Eventually.True(() => { Offer(id); return Task.FromResult(accepted.ContainsKey(id)); }, $"the lane to take state {id}");
        await Eventually.True(() => Task.FromResult(published.Count + replaced.Count >= accepted.Count), "the lane to drain");
        lane.Complete();
        await reader;

        Assert.All(replaced, id => Assert.True(accepted.ContainsKey(id), $"{id} was reported replaced but never accepted"));
        Assert.Equal(accepted.Keys.Order(), published.Select(p => p.Id).Concat(replaced).Order());
        foreach (var id in last)
            Assert.Equal(id, published.Last(p => p.Topic == State(id).Topic).Id);
    }

    static OutgoingMessage State(long id)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(payload, id);
        return new OutgoingMessage($"twin/lamp/L-{id % 3}/state", payload, true, "state", id);
    }

    static long Id(OutgoingMessage message) => BinaryPrimitives.ReadInt64LittleEndian(message.Payload);
}
