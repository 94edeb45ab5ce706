namespace Twin.Bench.Load;

/// <summary>
/// When each message of a run was published, by device and seq, so whoever sees it come back (the raw subscriber, the
/// retained state, the live stream) can tell its latency. Seqs start above anything the twins have seen, and each
/// device keeps the times of its last <see cref="Depth"/> messages.
/// </summary>
public sealed class SentLog
{
    public const int Depth = 512;
    readonly long[] sentAt;
    readonly ulong[] next;

    public SentLog(int devices)
    {
        Devices = devices;
        // Above every seq of an earlier run in this process's lifetime, whatever the twins were sent before.
        FirstSeq = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        sentAt = new long[devices * Depth];
        next = Enumerable.Repeat(FirstSeq, devices).ToArray();
    }

    public int Devices { get; }

    public ulong FirstSeq { get; }

    long sent;

    public long Sent => Interlocked.Read(ref sent);

    /// <summary>The next seq of device <paramref name="device"/>, stamped as published at <paramref name="timestamp"/>. One caller per device at a time.</summary>
    public ulong Next(int device, long timestamp)
    {
        var seq = next[device]++;
        Volatile.Write(ref sentAt[device * Depth + (int)(seq % Depth)], timestamp);
        Interlocked.Increment(ref sent);
        return seq;
    }

    /// <summary>The highest seq published for the device so far (FirstSeq - 1 when none).</summary>
    public ulong LastSent(int device) => Volatile.Read(ref next[device]) - 1;

    public long SentAt(int device, ulong seq) => Volatile.Read(ref sentAt[device * Depth + (int)(seq % Depth)]);
}
