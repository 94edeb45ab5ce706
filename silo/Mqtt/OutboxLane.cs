using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Twin.Silo.Mqtt;

/// <summary>A message the silo publishes, as it waits in the outbox.</summary>
public readonly record struct OutgoingMessage(string Topic, byte[] Payload, bool Retain, string What, long Enqueued);

/// <summary>
/// One ordered lane of the outbox. A retained message is a topic's latest value, so while one waits its turn a newer one
/// for the same topic takes its place and the older is never sent: a twin's state changing a hundred times in a burst
/// costs one slot and one publish, and a full lane still takes the newest state of every topic already in it. Other
/// messages (commands, dead letters) each take a slot and go in order; a full lane refuses them.
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
    readonly ConcurrentDictionary<string, OutgoingMessage> latest = new(StringComparer.Ordinal);

    /// <summary>
    /// Queues <paramref name="message"/>. Returns false when the lane is full (nothing was queued); sets
    /// <paramref name="superseded"/> when it replaced an older retained message of its topic that was still waiting.
    /// </summary>
    public bool Offer(OutgoingMessage message, out OutgoingMessage? superseded)
    {
        superseded = null;
        if (!message.Retain)
            return turns.Writer.TryWrite(new Turn(message.Topic, message));
        while (true)
        {
            if (latest.TryGetValue(message.Topic, out var waiting))
            {
                if (latest.TryUpdate(message.Topic, message, waiting))
                {
                    superseded = waiting;
                    return true;
                }
                continue; // taken or replaced meanwhile: look again
            }
            if (!latest.TryAdd(message.Topic, message))
                continue;
            if (turns.Writer.TryWrite(new Turn(message.Topic, null)))
                return true;
            // Full: take it back, unless a newer one replaced it meanwhile (that one rides on no turn either, and is
            // refused with it: the caller counts one drop, and the next state of the topic tries again).
            latest.TryRemove(message.Topic, out _);
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
            else if (latest.TryRemove(turn.Topic, out var newest))
                yield return newest;
        }
    }

    /// <summary>Takes no more messages; what is queued can still be read.</summary>
    public void Complete() => turns.Writer.TryComplete();
}
