namespace Twin.Deadlines;

/// <summary>
/// A grain's next deadline: a one-shot grain timer while the grain is in memory, and a reminder that wakes it after a
/// restart or the loss of its silo, so a deadline is missed by at most one reminder period. The grain's
/// <c>ReceiveReminder</c> runs the same check as the timer.
/// </summary>
public sealed class DeadlineTimer(Grain grain, string reminderName, TimeProvider clock, TimeSpan reminderPeriod, Func<Task> onDue)
{
    static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);
    IGrainTimer? timer;
    /// <summary>Null when not known: after an activation with nothing due, a reminder may be left over.</summary>
    bool? reminderRegistered = false;

    /// <summary>Arms the timer for <paramref name="due"/> (now, when it is past), or stops both timer and reminder when null.</summary>
    public async Task Set(DateTimeOffset? due)
    {
        Arm(due);
        if (due is null && reminderRegistered != false)
        {
            if (await grain.GetReminder(reminderName) is { } reminder)
                await grain.UnregisterReminder(reminder);
            reminderRegistered = false;
        }
        else if (due is not null && reminderRegistered != true)
        {
            await grain.RegisterOrUpdateReminder(reminderName, reminderPeriod, reminderPeriod);
            reminderRegistered = true;
        }
    }

    /// <summary>
    /// On activation: the timer only, since a grain with a deadline already has its reminder. Whether a reminder is
    /// left over from an activation that stopped before removing it is not known, so the next <see cref="Set"/> looks
    /// it up.
    /// </summary>
    public void Resume(DateTimeOffset? due)
    {
        reminderRegistered = due is null ? null : true;
        Arm(due);
    }

    void Arm(DateTimeOffset? due)
    {
        timer?.Dispose();
        timer = null;
        if (due is not { } at)
            return;
        // A grain timer waits at most about 49 days; a poll may run 90. The check at a day's wait arms it again.
        var wait = TimeSpan.FromTicks(Math.Clamp((at - clock.GetUtcNow()).Ticks, 0, LongestWait.Ticks));
        timer = grain.RegisterGrainTimer(onDue, new GrainTimerCreationOptions(wait, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }
}

public sealed class DeadlineOptions
{
    public const string Section = "Twin:Deadlines";

    /// <summary>
    /// How often a reminder wakes a grain that waits for a deadline (feedback to answer, a welfare check, a poll to
    /// close) after a restart or the loss of its silo. While the grain is in memory its timer keeps the time exactly.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Whom a task escalates to when its deadline passes: the configured party ids, or the committee's parties and then the admin.</summary>
public static class EscalationChain
{
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string>? configured, Incidents.IPartyDirectory parties) =>
        configured is { Count: > 0 } ? configured : [.. parties.PartiesFor(Parties.Roles.Committee, null), Parties.Roles.Admin];
}
