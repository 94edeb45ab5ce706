using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Twin.History;
using Twin.Silo.Cluster;

namespace Twin.Silo.Persistence;

/// <summary>
/// Embedded mode's history: the newest entries of the whole community in memory. Bounded, so a silo that runs for weeks
/// does not grow; every page says how much it keeps.
/// </summary>
/// <remarks>
/// The entries live as UTF-8 in one ring of bytes, with a table of slots beside it that holds no references. Kept as
/// objects, every entry outlived a few young collections and was copied into the old generation only to die there:
/// under load that was most of what each young collection had to copy, and so most of its pause (BENCHMARKS.md,
/// *Before and after*). Here the garbage collector never looks inside the ring.
/// </remarks>
public sealed class MemoryHistory : IHistoryLog
{
    static readonly Task Stored = Task.CompletedTask;

    /// <summary>The ring starts this small and doubles as entries come, so a quiet community does not hold the whole window's bytes from the start.</summary>
    const int FirstBytes = 256 * 1024;
    readonly Slot[] slots;
    readonly int maxBytes;
    byte[] ring;
    readonly Dictionary<(int Subject, ulong Seq), long> messages = [];
    readonly string silo;
    readonly Lock gate = new();

    /// <summary>The number the next entry gets; entry n lives in <c>slots[n % slots.Length]</c>.</summary>
    long next;

    /// <summary>The oldest entry still held.</summary>
    long oldest;

    /// <summary>Where the next entry's bytes go, counted from the start as if the ring never wrapped.</summary>
    long written;

    public MemoryHistory(IOptions<HistoryOptions> options, IOptions<SiloIdentity> identity)
    {
        slots = new Slot[options.Value.MemoryWindow];
        maxBytes = options.Value.MemoryBytes;
        ring = GC.AllocateUninitializedArray<byte>(Math.Min(maxBytes, FirstBytes));
        silo = identity.Value.SiloName;
    }

    public string Retention =>
        $"memory: only the newest {slots.Length} entries ({maxBytes / (1024 * 1024.0):0.#} MiB) of the whole community since this silo started (set Twin:Postgres to keep all of it)";

    /// <summary>How many entries it holds now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
                return (int)(next - oldest);
        }
    }

    public ValueTask<Task> Enqueue(HistoryEntry entry, CancellationToken cancellationToken = default)
    {
        var subjectLength = Encoding.UTF8.GetByteCount(entry.Subject);
        var length = subjectLength + Encoding.UTF8.GetByteCount(entry.Body);
        var subject = entry.Subject.GetHashCode();
        lock (gate)
        {
            if (entry.Seq is { } seq && messages.TryGetValue((subject, seq), out var earlier) && SubjectIs(slots[earlier % slots.Length], entry.Subject))
                return ValueTask.FromResult(Stored);
            if (length > maxBytes)
                return ValueTask.FromResult(Stored); // larger than the whole window: there is nowhere to keep it
            while (ring.Length < maxBytes && written - (oldest < next ? slots[oldest % slots.Length].Start : written) + length > ring.Length)
                Grow();

            // An entry never straddles the ring's end: one that would not fit before it starts again at the front.
            var offset = (int)(written % ring.Length);
            if (offset + length > ring.Length)
            {
                written += ring.Length - offset;
                offset = 0;
            }
            while (oldest < next && (next - oldest == slots.Length || written + length - slots[oldest % slots.Length].Start > ring.Length))
                Evict();

            Encoding.UTF8.GetBytes(entry.Subject, ring.AsSpan(offset, subjectLength));
            Encoding.UTF8.GetBytes(entry.Body, ring.AsSpan(offset + subjectLength));
            slots[next % slots.Length] = new Slot(written, subjectLength, length - subjectLength, subject, entry.Kind, entry.Seq, entry.At, entry.DeviceTime);
            if (entry.Seq is { } newSeq)
                messages[(subject, newSeq)] = next;
            written += length;
            next++;
        }
        return ValueTask.FromResult(Stored);
    }

    /// <summary>Doubles the ring (up to <see cref="HistoryOptions.MemoryBytes"/>), its entries moved to the front in order.</summary>
    void Grow()
    {
        var larger = GC.AllocateUninitializedArray<byte>((int)Math.Min(2L * ring.Length, maxBytes));
        var at = 0;
        for (var i = oldest; i < next; i++)
        {
            ref var slot = ref slots[i % slots.Length];
            var length = slot.SubjectLength + slot.BodyLength;
            ring.AsSpan(Offset(slot), length).CopyTo(larger.AsSpan(at));
            slot = slot with { Start = at };
            at += length;
        }
        ring = larger;
        written = at;
    }

    void Evict()
    {
        var slot = slots[oldest % slots.Length];
        if (slot.Seq is { } seq && messages.TryGetValue((slot.SubjectHash, seq), out var entry) && entry == oldest)
            messages.Remove((slot.SubjectHash, seq));
        oldest++;
    }

    public Task<IReadOnlyList<HistoryRecord>> Read(HistoryQuery query, CancellationToken cancellationToken)
    {
        var found = new List<HistoryRecord>();
        lock (gate)
        {
            foreach (var slot in Of(query.Subject, newestFirst: true))
                if ((query.From is null || slot.At >= query.From) && (query.To is null || slot.At < query.To))
                    found.Add(new HistoryRecord(slot.At, slot.Kind, slot.Seq, slot.DeviceTime, silo, JsonDocument.Parse(Body(slot)).RootElement.Clone()));
        }
        IReadOnlyList<HistoryRecord> page = [.. found.OrderByDescending(r => r.At).Take(query.Limit)];
        return Task.FromResult(page);
    }

    /// <summary>What the window still holds: in embedded mode a twin's state and this history live and die together anyway.</summary>
    public Task<IReadOnlyList<HistoryEntry>> ReadTelemetryAfter(string subject, ulong? afterSeq, DateTimeOffset afterTime, CancellationToken cancellationToken)
    {
        var found = new List<HistoryEntry>();
        lock (gate)
        {
            foreach (var slot in Of(subject, newestFirst: false))
                if (slot.Kind == HistoryKind.Telemetry && (slot.Seq is { } seq ? afterSeq is null || seq > afterSeq : slot.At > afterTime))
                    found.Add(new HistoryEntry(subject, slot.Kind, slot.Seq, slot.At, slot.DeviceTime, Encoding.UTF8.GetString(Body(slot).Span)));
        }
        return Task.FromResult<IReadOnlyList<HistoryEntry>>(found);
    }

    /// <summary>The entries about <paramref name="subject"/> still held. Only under the lock.</summary>
    IEnumerable<Slot> Of(string subject, bool newestFirst)
    {
        var hash = subject.GetHashCode();
        for (var i = 0L; i < next - oldest; i++)
        {
            var slot = slots[(newestFirst ? next - 1 - i : oldest + i) % slots.Length];
            if (slot.SubjectHash == hash && SubjectIs(slot, subject))
                yield return slot;
        }
    }

    bool SubjectIs(Slot slot, string subject)
    {
        Span<byte> utf8 = stackalloc byte[256];
        var stored = ring.AsSpan(Offset(slot), slot.SubjectLength);
        return Encoding.UTF8.GetMaxByteCount(subject.Length) <= utf8.Length
            ? stored.SequenceEqual(utf8[..Encoding.UTF8.GetBytes(subject, utf8)])
            : stored.SequenceEqual(Encoding.UTF8.GetBytes(subject));
    }

    ReadOnlyMemory<byte> Body(Slot slot) => ring.AsMemory(Offset(slot) + slot.SubjectLength, slot.BodyLength);

    int Offset(Slot slot) => (int)(slot.Start % ring.Length);

    /// <summary>One entry: where its bytes are (the subject, then the body) and the rest of it. No references, so the collector skips the table.</summary>
    readonly record struct Slot(long Start, int SubjectLength, int BodyLength, int SubjectHash, HistoryKind Kind, ulong? Seq, DateTimeOffset At,
        DateTimeOffset? DeviceTime);
}
