using System.Threading.Channels;

namespace Twin.Silo.Mqtt;

/// <summary>A message the silo publishes, as it waits in the outbox.</summary>
public readonly record struct OutgoingMessage(string Topic, byte[] Payload, bool Retain, string What, long Enqueued);

/// <summary>
/// One ordered lane of the outbox. A retained message is a topic's latest value, so while one waits its turn a newer one
/// for the same topic takes its place and the older is never sent: a twin's state changing a hundred times in a burst
/// costs one slot and one publish, and a full lane still takes the newest state of every topic already in it. (So a
/// newer state can go out ahead of a command offered after the state it replaced.) Other messages (commands, dead
/// letters) each take a slot and go in order; a full lane refuses them.
/// </summary>
/// <remarks>
/// Found at 100k twins: provisioning re-published every building's state once per household added to it, the lanes
/// filled, and about 4,000 building states were dropped; for the last buildings provisioned the dropped one was the
/// latest, so their retained state stayed stale (BENCHMARKS.md, *Before and after*).
/// </remarks>
public sealed class OutboxLane(int capacity)
{
    /// <summary>What waits in line: a message of its own, or (null) the latest retained message of the topic.</summary>
    readonly record struct Turn(string Topic, OutgoingMessage? Message);

    readonly Channel<Turn> turns = Channel.CreateBounded<Turn>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    /// <summary>The waiting retained message of each topic that has a turn in line; guarded by <see cref="gate"/>.</summary>
    readonly Dictionary<string, OutgoingMessage> latest = new(StringComparer.Ordinal);

    /// <summary>
    /// Guards <see cref="latest"/>: adding a topic's entry and giving it a turn is one step, or a newer state could
    /// replace an entry that a full lane is about to take back, and be lost though accepted.
    /// </summary>
    readonly Lock gate = new();

    /// <summary>
    /// Queues <paramref name="message"/>. Returns false when the lane is full (nothing was queued); sets
    /// <paramref name="superseded"/> when it replaced an older retained message of its topic that was still waiting.
    /// </summary>
    public bool Offer(OutgoingMessage message, out OutgoingMessage? superseded)
    {
        superseded = null;
        if (!message.Retain)
            return turns.Writer.TryWrite(new Turn(message.Topic, message));
        lock (gate)
        {
            if (latest.TryGetValue(message.Topic, out var waiting))
            {
                // It keeps the waiting one's time, so the outbox's wait says how long the topic's state was behind.
                latest[message.Topic] = message with { Enqueued = waiting.Enqueued };
                superseded = waiting;
                return true;
            }
            latest[message.Topic] = message;
            if (turns.Writer.TryWrite(new Turn(message.Topic, null)))
                return true;
            latest.Remove(message.Topic);
            return false;
        }
    }

    /// <summary>The messages in their turn; a retained one as the newest of its topic at the time it is read.</summary>
    public async IAsyncEnumerable<OutgoingMessage> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var turn in turns.Reader.ReadAllAsync(cancellationToken))
        {
            if (turn.Message is { } own)
                yield return own;
            else if (TakeLatest(turn.Topic) is { } newest)
                yield return newest;
        }
    }

    OutgoingMessage? TakeLatest(string topic)
    {
        lock (gate)
            return latest.Remove(topic, out var newest) ? newest : null;
    }

    /// <summary>Takes no more messages (a later offer is refused); what is queued can still be read until the reader stops.</summary>
    public void Complete() => turns.Writer.TryComplete();
}
