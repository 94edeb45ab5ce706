using Twin.Care;
using Twin.Incidents;
using Twin.Twins;

namespace Twin.Tests.Care;

public sealed class WelfareRulesTests
{
    static readonly DateTimeOffset Quiet = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Day = TimeSpan.FromHours(24);

    static WelfareWatchState Watch() => new()
    {
        Watching = true,
        Community = "sunrise",
        Household = "B1-1-0501",
        Building = "B1",
        Floor = 5,
        Residents = [new Member("Wang Xiuying", "+86 138 0000 0001", ["elderly_alone"])],
        LastActivityAt = Quiet,
        LastActivity = "checked in: safe",
    };

    [Fact]
    public void A_check_is_due_once_the_household_has_been_silent_for_the_whole_window()
    {
        Assert.False(WelfareRules.CheckIsDue(Watch(), Quiet + Day - TimeSpan.FromSeconds(1), Day));
        Assert.True(WelfareRules.CheckIsDue(Watch(), Quiet + Day, Day));
        Assert.Equal(Quiet + Day, WelfareRules.NextDue(Watch(), Day));
    }

    [Fact]
    public void A_household_not_watched_or_with_a_check_already_open_gets_no_second_check()
    {
        var open = Watch() with { Check = WelfareRules.Open(Watch(), "wc-1", ["grid-wang"], Quiet + Day, TimeSpan.FromMinutes(30), "welfare/B1-1-0501") };

        Assert.False(WelfareRules.CheckIsDue(Watch() with { Watching = false }, Quiet + Day * 2, Day));
        Assert.False(WelfareRules.CheckIsDue(open, Quiet + Day * 2, Day));
        Assert.Null(WelfareRules.NextDue(Watch() with { Watching = false }, Day));
    }

    [Fact]
    public void The_check_is_a_task_for_the_buildings_grid_workers_that_says_where_and_how_long_without_naming_anyone()
    {
        var check = WelfareRules.Open(Watch(), "wc-1", ["grid-wang"], Quiet + Day + TimeSpan.FromHours(1), TimeSpan.FromMinutes(30), "welfare/B1-1-0501");

        Assert.Equal(["grid-wang"], check.Task.Parties.ToArray());
        Assert.Equal("grid", check.Task.Role);
        Assert.Equal("Welfare check: household B1-1-0501, floor 5, no activity for 25 h", check.Task.Title);
        Assert.DoesNotContain("Wang", check.Task.Title);
        Assert.Equal(Quiet + Day + TimeSpan.FromHours(1.5), check.Task.Deadline);
        Assert.Equal(Quiet, check.SilentSince);
        Assert.Contains("checked in: safe", check.Timeline[0].What);
    }

    [Fact]
    public void While_the_check_waits_for_acknowledgement_its_deadline_is_next_and_once_acknowledged_nothing_is()
    {
        var check = WelfareRules.Open(Watch(), "wc-1", ["grid-wang"], Quiet + Day, TimeSpan.FromMinutes(30), "welfare/B1-1-0501");
        var watch = Watch() with { Check = check };

        Assert.Equal(check.Task.Deadline, WelfareRules.NextDue(watch, Day));
        var acknowledged = watch with { Check = check with { Task = check.Task with { Status = TaskStatuses.Acknowledged } } };
        Assert.Null(WelfareRules.NextDue(acknowledged, Day));
    }

    [Fact]
    public void Closing_a_check_says_who_and_how_and_finishes_its_task()
    {
        var check = WelfareRules.Open(Watch(), "wc-1", ["grid-wang"], Quiet + Day, TimeSpan.FromMinutes(30), "welfare/B1-1-0501");

        var closed = WelfareRules.Close(check, Quiet + Day * 1.1, "household/B1-1-0501", "checked in: safe");

        Assert.False(closed.IsOpen);
        Assert.Equal(TaskStatuses.Done, closed.Task.Status);
        Assert.Equal("household/B1-1-0501", closed.ClosedBy);
        Assert.Equal("closed: checked in: safe", closed.Timeline[^1].What);
        var watch = Watch() with { Check = closed, LastActivityAt = Quiet + Day * 1.1 };
        Assert.Equal(Quiet + Day * 2.1, WelfareRules.NextDue(watch, Day));
    }

    [Theory]
    [InlineData(45, "45 s")]
    [InlineData(90, "1.5 min")]
    [InlineData(7200, "2 h")]
    public void Durations_read_as_a_person_would_say_them(int seconds, string text) =>
        Assert.Equal(text, Durations.Text(TimeSpan.FromSeconds(seconds)));
}
