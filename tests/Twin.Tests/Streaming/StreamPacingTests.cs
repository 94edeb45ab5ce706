using Twin.Silo.Streaming;

namespace Twin.Tests.Streaming;

public sealed class StreamPacingTests
{
    const int Budget = 1_000;
    const int Queue = TwinChangeFeed.QueuePerSubscriber;
    static readonly TimeSpan QuietSpell = TimeSpan.FromSeconds(5);

    static double PauseMs(int streams, int written, TimeSpan sincePreviousWrite) =>
        StreamPacing.PauseAfterWrite(streams, Budget, written, sincePreviousWrite, Queue).TotalMilliseconds;

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public void A_few_streams_each_write_every_20_ms_at_most(int streams) =>
        Assert.Equal(20, PauseMs(streams, 5, TimeSpan.FromMilliseconds(20)), precision: 3);

    [Fact]
    public void Many_streams_share_the_silos_writes_so_200_each_write_every_200_ms() =>
        Assert.Equal(200, PauseMs(200, 5, TimeSpan.FromMilliseconds(200)), precision: 3);

    [Fact]
    public void No_stream_waits_more_than_a_second_however_many_are_open() =>
        Assert.Equal(1_000, PauseMs(50_000, 1, QuietSpell), precision: 3);

    [Fact]
    public void A_busy_stream_waits_only_until_its_queue_would_be_half_full()
    {
        // 2,000 events in 50 ms: 40,000 a second fill half of 4,096 in 51.2 ms, before the 200 ms its share allows.
        Assert.Equal(51.2, PauseMs(200, 2_000, TimeSpan.FromMilliseconds(50)), precision: 3);
    }

    [Fact]
    public void A_flood_still_waits_20_ms_between_writes() =>
        Assert.Equal(20, PauseMs(200, Queue, TimeSpan.FromMilliseconds(10)), precision: 3);

    [Fact]
    public void One_change_after_a_quiet_spell_leaves_the_streams_share() =>
        Assert.Equal(200, PauseMs(200, 1, QuietSpell), precision: 3);
}
