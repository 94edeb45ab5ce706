using System.Collections.Immutable;
using Twin.Polls;

namespace Twin.Tests.Polls;

public sealed class PollRulesTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static PollState Poll(string? building = null, params (string Household, int Option)[] votes) => new()
    {
        Exists = true,
        Id = "poll-1",
        Question = "Repaint the stairwell?",
        Options = ["Yes", "No"],
        Building = building,
        ClosesAt = Now.AddDays(1),
        Eligible = 24,
        Votes = votes.ToImmutableDictionary(v => v.Household, v => v.Option),
    };

    [Theory]
    [InlineData("", new[] { "Yes", "No" }, 1.0, "question")]
    [InlineData("Q?", new[] { "Yes" }, 1.0, "2 to 10")]
    [InlineData("Q?", new[] { "Yes", "yes " }, 1.0, "differ")]
    [InlineData("Q?", new[] { "Yes", "" }, 1.0, "non-empty")]
    [InlineData("Q?", new[] { "Yes", "No" }, -1.0, "future")]
    [InlineData("Q?", new[] { "Yes", "No" }, 100.0, "90 days")]
    public void A_poll_that_cannot_be_run_is_refused_with_the_reason(string question, string[] options, double closesInDays, string reason) =>
        Assert.Contains(reason, PollRules.Check(question, options, Now.AddDays(closesInDays), Now));

    [Fact]
    public void A_poll_without_a_closing_time_is_refused() =>
        Assert.Contains("closesAt", PollRules.Check("Q?", ["Yes", "No"], null, Now));

    [Fact]
    public void A_household_outside_the_audience_building_may_not_vote()
    {
        Assert.Contains("building B2", PollRules.CheckVote(Poll("B2"), "B1", "Yes", Now, out var forbidden));
        Assert.True(forbidden);
        Assert.Null(PollRules.CheckVote(Poll("B2"), "B2", "Yes", Now, out _));
        Assert.Null(PollRules.CheckVote(Poll(), "B7", "No", Now, out _));
    }

    [Fact]
    public void No_vote_is_cast_or_changed_once_the_closing_time_has_passed_even_before_the_poll_is_marked_closed()
    {
        Assert.Contains("closed", PollRules.CheckVote(Poll(), "B1", "Yes", Now.AddDays(1), out var forbidden));
        Assert.False(forbidden);
    }

    [Fact]
    public void The_result_names_the_winner_with_each_options_share_and_the_turnout()
    {
        var result = PollRules.Result(Poll(null, ("h1", 0), ("h2", 0), ("h3", 1)));

        Assert.Equal("\"Yes\" has the most votes. Yes: 2 (67 %); No: 1 (33 %). 3 of 24 households voted.", result);
    }

    [Fact]
    public void A_tie_and_an_empty_poll_are_said_as_such()
    {
        Assert.StartsWith("Tie between \"Yes\" and \"No\".", PollRules.Result(Poll(null, ("h1", 0), ("h2", 1))));
        Assert.StartsWith("No household voted.", PollRules.Result(Poll()));
    }

    [Fact]
    public void Each_household_sees_only_its_own_vote()
    {
        var poll = Poll(null, ("h1", 0), ("h2", 1));

        Assert.Equal("Yes", PollView.Of(poll, "h1").YourVote);
        Assert.Equal("No", PollView.Of(poll, "h2").YourVote);
        Assert.Null(PollView.Of(poll).YourVote);
        Assert.Equal([1, 1], PollView.Of(poll).Counts.ToArray());
    }
}
