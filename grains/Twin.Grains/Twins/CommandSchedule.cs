using Twin.Twins;

namespace Twin.Twins;

/// <summary>When to resend a pending command and when to give up on it. Pure, so back-off is testable without a clock.</summary>
public static class CommandSchedule
{
    /// <summary>Doubling back-off: first, 2×first, 4×first… capped at <paramref name="max"/>.</summary>
    public static TimeSpan ResendInterval(int attemptsSoFar, TimeSpan first, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Clamp(attemptsSoFar - 1, 0, 20));
        var interval = TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, max.Ticks));
        return interval < first ? first : interval;
    }

    public static bool IsExpired(PendingCommand command, DateTimeOffset now) => now >= command.Deadline;

    public static bool IsDueForResend(PendingCommand command, DateTimeOffset now) => !IsExpired(command, now) && now >= command.NextAttemptAt;
}
