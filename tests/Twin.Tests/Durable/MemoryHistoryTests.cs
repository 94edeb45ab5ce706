using Microsoft.Extensions.Options;
using Twin.History;
using Twin.Silo.Cluster;
using Twin.Silo.Persistence;

namespace Twin.Tests.Durable;

/// <summary>Embedded mode's history: a window of the newest entries, kept as bytes in a ring.</summary>
public sealed class MemoryHistoryTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static MemoryHistory History(int window = 1000, int bytes = 1 << 20) =>
        new(Options.Create(new HistoryOptions { MemoryWindow = window, MemoryBytes = bytes }), Options.Create(new SiloIdentity { Name = "silo-a" }));

    static HistoryEntry Message(string subject, ulong seq, DateTimeOffset at, string? body = null) =>
        new(subject, HistoryKind.Telemetry, seq, at, at.AddMilliseconds(-5), body ?? $$"""{"seq": {{seq}}, "level": {{seq % 100}}}""");

    static async Task<IReadOnlyList<HistoryRecord>> Page(MemoryHistory history, string subject, int limit = 1000, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        await history.Read(new HistoryQuery(subject, from, to, limit), CancellationToken.None);

    [Fact]
    public async Task Entries_read_back_newest_first_with_their_times_and_body_and_a_redelivered_message_is_kept_once()
    {
        var history = History();
        for (var seq = 1UL; seq <= 30; seq++)
            await history.Enqueue(Message("lamp/L-01", seq, T0.AddSeconds(seq)));
        await history.Enqueue(Message("lamp/L-01", 7, T0.AddSeconds(99), """{"seq": 7, "again": true}"""));
        await history.Enqueue(Message("lamp/L-02", 7, T0.AddSeconds(7)));
        await history.Enqueue(HistoryEntry.Change("lamp/L-01", T0.AddSeconds(31), new { status = "alarm", note = "lampe défectueuse" }));

        var page = await Page(history, "lamp/L-01", limit: 3);

        Assert.Equal([HistoryKind.Change, HistoryKind.Telemetry, HistoryKind.Telemetry], page.Select(r => r.Kind));
        Assert.Equal("lampe défectueuse", page[0].Body.GetProperty("note").GetString());
        Assert.Equal([30UL, 29UL], page.Skip(1).Select(r => r.Seq!.Value));
        Assert.Equal(T0.AddSeconds(30), page[1].At);
        Assert.Equal(T0.AddSeconds(30).AddMilliseconds(-5), page[1].DeviceTime);
        Assert.Equal("silo-a", page[1].Silo);
        Assert.Equal(31, (await Page(history, "lamp/L-01")).Count);
        Assert.DoesNotContain(await Page(history, "lamp/L-01"), r => r.Body.TryGetProperty("again", out _));
        Assert.Single(await Page(history, "lamp/L-02"));
    }

    [Fact]
    public async Task The_window_keeps_the_newest_entries_by_count_and_a_message_that_left_it_is_kept_again()
    {
        var history = History(window: 10);
        for (var seq = 1UL; seq <= 25; seq++)
            await history.Enqueue(Message("bin/BIN-01", seq, T0.AddSeconds(seq)));

        Assert.Equal(10, history.Count);
        Assert.Equal(Enumerable.Range(16, 10).Reverse().Select(s => (ulong)s), (await Page(history, "bin/BIN-01")).Select(r => r.Seq!.Value));

        await history.Enqueue(Message("bin/BIN-01", 3, T0.AddSeconds(30)));
        await history.Enqueue(Message("bin/BIN-01", 20, T0.AddSeconds(31)));
        Assert.Equal([3UL, 25UL], (await Page(history, "bin/BIN-01", limit: 2)).Select(r => r.Seq!.Value));
    }

    [Fact]
    public async Task Entries_stay_whole_as_the_ring_of_bytes_wraps_many_times()
    {
        // About 80 bytes an entry in 1,000 bytes: only the newest dozen fit, and the ring wraps every dozen entries.
        var history = History(window: 1000, bytes: 1024);
        var subjects = new[] { "household/H-0001-0101", "lamp/L-7", "camera/CAM-0042" };
        for (var seq = 1UL; seq <= 500; seq++)
            await history.Enqueue(Message(subjects[seq % 3], seq, T0.AddSeconds(seq), $$"""{"seq": {{seq}}, "pad": "{{new string('x', (int)(seq % 40))}}"}"""));

        Assert.InRange(history.Count, 8, 30);
        var held = new List<ulong>();
        foreach (var subject in subjects)
            foreach (var record in await Page(history, subject))
            {
                Assert.Equal(record.Seq, record.Body.GetProperty("seq").GetUInt64());
                Assert.Equal((int)(record.Seq!.Value % 40), record.Body.GetProperty("pad").GetString()!.Length);
                Assert.Equal(subjects[record.Seq.Value % 3], subject);
                held.Add(record.Seq.Value);
            }
        Assert.Equal(Enumerable.Range(501 - history.Count, history.Count).Select(s => (ulong)s), held.Order());
    }

    [Fact]
    public async Task The_ring_grows_as_entries_come_and_keeps_every_one_until_it_reaches_its_bound()
    {
        // Entries of about 1 KiB: the ring starts at 256 KiB, so it doubles twice before 700 entries are in, then stops at 1 MiB.
        var history = History(window: 10_000, bytes: 1 << 20);
        var pad = new string('z', 1000);
        for (var seq = 1UL; seq <= 700; seq++)
            await history.Enqueue(Message("camera/C-01", seq, T0.AddSeconds(seq), $$"""{"seq": {{seq}}, "pad": "{{pad}}"}"""));
        Assert.Equal(700, history.Count);
        Assert.Equal(Enumerable.Range(1, 700).Reverse().Select(s => (ulong)s), (await Page(history, "camera/C-01")).Select(r => r.Seq!.Value));

        for (var seq = 701UL; seq <= 3000; seq++)
            await history.Enqueue(Message("camera/C-01", seq, T0.AddSeconds(seq), $$"""{"seq": {{seq}}, "pad": "{{pad}}"}"""));
        Assert.InRange(history.Count, 900, 1024);
        var page = await Page(history, "camera/C-01", limit: 10_000);
        Assert.Equal(Enumerable.Range(3001 - history.Count, history.Count).Reverse().Select(s => (ulong)s), page.Select(r => r.Seq!.Value));
        Assert.All(page, r => Assert.Equal(r.Seq, r.Body.GetProperty("seq").GetUInt64()));
    }

    [Fact]
    public async Task An_entry_larger_than_the_whole_ring_is_not_kept_and_costs_the_others_nothing()
    {
        var history = History(bytes: 2048);
        await history.Enqueue(Message("gate/G-01", 1, T0));
        await history.Enqueue(Message("gate/G-01", 2, T0.AddSeconds(1), $$"""{"seq": 2, "blob": "{{new string('y', 4000)}}"}"""));

        Assert.Equal([1UL], (await Page(history, "gate/G-01")).Select(r => r.Seq!.Value));
    }

    [Fact]
    public async Task From_and_to_bound_the_page()
    {
        var history = History();
        for (var seq = 1UL; seq <= 10; seq++)
            await history.Enqueue(Message("bin/BIN-01", seq, T0.AddMinutes(seq)));

        Assert.Equal([5UL, 4UL, 3UL], (await Page(history, "bin/BIN-01", from: T0.AddMinutes(3), to: T0.AddMinutes(6))).Select(r => r.Seq!.Value));
    }

    [Fact]
    public async Task Telemetry_after_a_seq_or_a_time_is_read_oldest_first_with_the_payload_the_device_sent()
    {
        var history = History();
        for (var seq = 1UL; seq <= 8; seq++)
            await history.Enqueue(Message("bin/BIN-01", seq, T0.AddSeconds(seq)));
        await history.Enqueue(new HistoryEntry("bin/BIN-01", HistoryKind.Event, 9, T0.AddSeconds(9), null, """{"seq": 9, "type": "tilted"}"""));
        await history.Enqueue(Message("bin/BIN-02", 7, T0.AddSeconds(7)));
        await history.Enqueue(new HistoryEntry("gate/G-01", HistoryKind.Telemetry, null, T0.AddSeconds(1), null, """{"open": false}"""));
        await history.Enqueue(new HistoryEntry("gate/G-01", HistoryKind.Telemetry, null, T0.AddSeconds(2), null, """{"open": true}"""));

        var afterSeq = await history.ReadTelemetryAfter("bin/BIN-01", 6, T0, CancellationToken.None);
        var afterTime = await history.ReadTelemetryAfter("gate/G-01", null, T0.AddSeconds(1), CancellationToken.None);

        Assert.Equal([7UL, 8UL], afterSeq.Select(e => e.Seq!.Value));
        Assert.Equal("""{"seq": 8, "level": 8}""", afterSeq[1].Body);
        Assert.Equal(T0.AddSeconds(8), afterSeq[1].At);
        Assert.Equal("""{"open": true}""", Assert.Single(afterTime).Body);
    }
}
