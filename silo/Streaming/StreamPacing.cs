using System.ComponentModel.DataAnnotations;

namespace Twin.Silo.Streaming;

/// <summary>Section <c>Twin:Stream</c>: the live streams (<c>GET /api/stream</c>).</summary>
public sealed class StreamOptions
{
    public const string Section = "Twin:Stream";

    /// <summary>
    /// The writes a second the silo's live streams share. Each write is a system call and wakes the client, whatever it
    /// carries, so this, not the number of events, is what the streams cost the silo (see <see cref="StreamPacing"/>).
    /// </summary>
    [Range(50, 1_000_000)]
    public int WritesPerSecond { get; set; } = 1_000;
}

/// <summary>
/// How long a live stream waits after a write before its next one. At least 20 ms, so a busy stream writes batches
/// rather than single events; longer when so many streams are open that every one writing each 20 ms would exceed
/// the silo's budget of writes (<see cref="StreamOptions.WritesPerSecond"/>: 1,000 a second shared by 200 streams is
/// a write each 200 ms apiece); at most a second. A change after a quiet spell still goes out at once: the pause
/// follows a write. And a stream whose events come so fast that its queue would be half full before the pause ends
/// waits only that long (never less than 20 ms), so pacing alone never costs a client an event.
/// </summary>
public static class StreamPacing
{
    public static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    /// <param name="streams">Live streams open on this silo.</param>
    /// <param name="writesPerSecond">What they may write in all.</param>
    /// <param name="written">Events in the write just made.</param>
    /// <param name="sincePreviousWrite">From the previous write to this one: the time those events came in.</param>
    /// <param name="queueCapacity">Events the stream's queue holds.</param>
    public static TimeSpan PauseAfterWrite(int streams, int writesPerSecond, int written, TimeSpan sincePreviousWrite, int queueCapacity)
    {
        var pause = TimeSpan.FromSeconds((double)Math.Max(streams, 1) / writesPerSecond);
        pause = pause < Shortest ? Shortest : pause > Longest ? Longest : pause;
        if (written > 0 && sincePreviousWrite > TimeSpan.Zero)
        {
            var untilHalfFull = sincePreviousWrite * (queueCapacity / 2.0 / written);
            if (untilHalfFull < pause)
                pause = untilHalfFull < Shortest ? Shortest : untilHalfFull;
        }
        return pause;
    }
}
