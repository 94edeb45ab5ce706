using Twin.Silo.Mqtt;

namespace Twin.Tests.Mqtt;

public sealed class SessionLifetimeTests
{
    static readonly DateTime Now = new(2026, 11, 24, 8, 0, 0, DateTimeKind.Utc);
    static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void A_connected_client_keeps_its_session_however_long()
    {
        Assert.False(SessionLifetime.IsOver(null, 1, Now, Day));
    }

    [Fact]
    public void A_session_ends_once_the_expiry_its_client_asked_for_has_passed()
    {
        Assert.False(SessionLifetime.IsOver(Now.AddSeconds(-59), 60, Now, Day));
        Assert.True(SessionLifetime.IsOver(Now.AddSeconds(-60), 60, Now, Day));
    }

    [Fact]
    public void A_session_that_would_never_expire_by_itself_ends_after_the_longest_expiry()
    {
        // MQTT 3.1.1 without a clean session reads as 0; an MQTT 5 expiry of 0xFFFFFFFF means never.
        foreach (var never in new[] { 0u, uint.MaxValue })
        {
            Assert.False(SessionLifetime.IsOver(Now - Day + TimeSpan.FromSeconds(1), never, Now, Day));
            Assert.True(SessionLifetime.IsOver(Now - Day, never, Now, Day));
        }
    }

    [Fact]
    public void A_client_cannot_ask_for_longer_than_the_longest_expiry()
    {
        var week = (uint)TimeSpan.FromDays(7).TotalSeconds;
        Assert.True(SessionLifetime.IsOver(Now - Day, week, Now, Day));
    }
}
