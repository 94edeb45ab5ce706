using Twin.Twins;

namespace Twin.Tests.Twins;

public sealed class CommandScheduleTests
{
    static readonly TimeSpan First = TimeSpan.FromSeconds(2), Max = TimeSpan.FromSeconds(10);
    static readonly DateTimeOffset Issued = new(2025, 6, 1, 20, 0, 0, TimeSpan.Zero);

    static PendingCommand Pending(DateTimeOffset nextAttemptAt, int attempts = 1) =>
        new("cmd-1", "set_brightness", Fields.Of(("brightness", 100.0)), "emergency mode holds full light", Fields.Of(("brightness", 100.0)),
            Issued, Issued.AddSeconds(30), attempts, nextAttemptAt, "incident/fire-1");

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 10)]
    [InlineData(5, 10)]
    [InlineData(60, 10)]
    public void The_resend_interval_doubles_from_the_first_and_stops_at_the_cap(int attemptsSoFar, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), CommandSchedule.ResendInterval(attemptsSoFar, First, Max));

    [Fact]
    public void The_resend_interval_never_falls_below_the_first_interval()
    {
        Assert.Equal(First, CommandSchedule.ResendInterval(0, First, Max));
        Assert.Equal(First, CommandSchedule.ResendInterval(-3, First, Max));
    }

    [Fact]
    public void A_very_large_attempt_count_is_still_capped_and_does_not_overflow() =>
        Assert.Equal(TimeSpan.FromHours(1), CommandSchedule.ResendInterval(int.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));

    [Fact]
    public void A_command_expires_at_exactly_its_deadline()
    {
        var pending = Pending(Issued.AddSeconds(2));

        Assert.False(CommandSchedule.IsExpired(pending, pending.Deadline.AddTicks(-1)));
        Assert.True(CommandSchedule.IsExpired(pending, pending.Deadline));
        Assert.True(CommandSchedule.IsExpired(pending, pending.Deadline.AddMinutes(1)));
    }

    [Fact]
    public void A_command_is_resent_once_its_next_attempt_time_comes()
    {
        var pending = Pending(Issued.AddSeconds(2));

        Assert.False(CommandSchedule.IsDueForResend(pending, Issued.AddSeconds(1.999)));
        Assert.True(CommandSchedule.IsDueForResend(pending, Issued.AddSeconds(2)));
        Assert.True(CommandSchedule.IsDueForResend(pending, Issued.AddSeconds(29)));
    }

    [Fact]
    public void An_expired_command_is_not_resent_but_fails()
    {
        var pending = Pending(Issued.AddSeconds(28), attempts: 4);

        Assert.False(CommandSchedule.IsDueForResend(pending, pending.Deadline));
        Assert.True(CommandSchedule.IsExpired(pending, pending.Deadline));
    }
}
