using Twin.Incidents;
using Twin.Twins;

namespace Twin.Care;

/// <summary>The decisions of a welfare watch, as plain functions: when a check is due, what it asks, what ends it.</summary>
public static class WelfareRules
{
    public static bool IsVulnerable(IEnumerable<Member> residents) => residents.Any(m => !m.Vulnerability.IsDefaultOrEmpty);

    /// <summary>When the watch next has to look: the open check's acknowledgement deadline, or the end of the quiet window.</summary>
    public static DateTimeOffset? NextDue(WelfareWatchState watch, TimeSpan window) => watch switch
    {
        { Watching: false } => null,
        { Check: { IsOpen: true } check } => check.Task.Status == TaskStatuses.Pending ? check.Task.Deadline : null,
        _ => watch.LastActivityAt + window,
    };

    public static bool CheckIsDue(WelfareWatchState watch, DateTimeOffset now, TimeSpan window) =>
        watch.Watching && watch.Check?.IsOpen != true && now - watch.LastActivityAt >= window;

    public static WelfareCheck Open(WelfareWatchState watch, string id, IReadOnlyList<string> grid, DateTimeOffset now, TimeSpan ackWithin, string by)
    {
        var floor = watch.Floor is { } f ? $", floor {f}" : "";
        var silent = Durations.Text(now - watch.LastActivityAt);
        // No names in the title: the task list is seen by parties who may not see them.
        var task = new IncidentTask("visit", Parties.Roles.Grid, [.. grid],
            $"Welfare check: household {watch.Household}{floor}, no activity for {silent}", TaskStatuses.Pending,
            now, now + ackWithin, ackWithin, [], null, null, null, null, watch.Household, 0);
        var who = grid.Count == 0 ? "the grid workers" : string.Join(", ", grid);
        return new WelfareCheck(id, watch.LastActivityAt, watch.LastActivity, now, WelfareStatuses.Open, task, null, null, null,
            [new(now, by, $"no activity since {watch.LastActivityAt:u} (last: {watch.LastActivity}); task for {who}")]);
    }

    public static WelfareCheck Close(WelfareCheck check, DateTimeOffset now, string by, string how) => check with
    {
        Status = WelfareStatuses.Closed,
        ClosedAt = now,
        ClosedBy = by,
        ClosedHow = how,
        Task = check.Task.Status == TaskStatuses.Done ? check.Task : check.Task with { Status = TaskStatuses.Done, DoneAt = now, DoneBy = by },
        Timeline = check.Timeline.Add(new(now, by, $"closed: {how}")),
    };
}
