using System.Collections.Immutable;
using System.Globalization;

namespace Twin.Polls;

/// <summary>The rules of a poll, as plain functions: what may be asked, who may vote, the count and the result.</summary>
public static class PollRules
{
    public const int MaxOptions = 10;
    public const int MaxQuestionLength = 500;
    public const int MaxOptionLength = 200;
    public static readonly TimeSpan LongestPoll = TimeSpan.FromDays(90);

    /// <summary>Why a poll cannot be opened as asked, or null.</summary>
    public static string? Check(string? question, IReadOnlyList<string>? options, DateTimeOffset? closesAt, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(question) || question.Length > MaxQuestionLength)
            return $"\"question\" is needed (at most {MaxQuestionLength} characters)";
        if (options is null || options.Count < 2 || options.Count > MaxOptions)
            return $"\"options\" needs 2 to {MaxOptions} choices";
        if (options.Any(o => string.IsNullOrWhiteSpace(o) || o.Length > MaxOptionLength))
            return $"every option is a non-empty text of at most {MaxOptionLength} characters";
        if (options.Select(o => o.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Count)
            return "the options must differ from each other";
        if (closesAt is not { } closes)
            return "\"closesAt\" is needed: when voting ends (ISO-8601, e.g. 2026-12-01T20:00:00+08:00)";
        if (closes <= now)
            return $"\"closesAt\" must be in the future (it is now {now:u})";
        if (closes - now > LongestPoll)
            return $"a poll runs at most {LongestPoll.TotalDays:0} days";
        return null;
    }

    /// <summary>Why this household may not vote (now), or null; <paramref name="forbidden"/> says whether it is about who asks.</summary>
    public static string? CheckVote(PollState poll, string? householdBuilding, string option, DateTimeOffset now, out bool forbidden)
    {
        forbidden = false;
        if (poll.Status == PollStatuses.Closed || now >= poll.ClosesAt)
            return $"the poll closed at {(poll.ClosedAt ?? poll.ClosesAt):u}; votes can no longer be cast or changed";
        if (poll.Building is { } building && building != householdBuilding)
        {
            forbidden = true;
            return $"this poll is for the households of building {building}";
        }
        return poll.Options.Contains(option) ? null : $"\"{option}\" is not an option; options: {string.Join(", ", poll.Options)}";
    }

    public static ImmutableArray<int> Count(IEnumerable<int> votes, int options)
    {
        var counts = new int[options];
        foreach (var vote in votes)
            counts[vote]++;
        return [.. counts];
    }

    /// <summary>The result as the notice states it: each option's votes and share, the winner or a tie, and the turnout.</summary>
    public static string Result(PollState poll)
    {
        var counts = Count(poll.Votes.Values, poll.Options.Length);
        var total = poll.Votes.Count;
        var lines = poll.Options.Select((o, i) => (Option: o, Votes: counts[i]))
            .OrderByDescending(x => x.Votes)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Option}: {x.Votes} ({(total == 0 ? 0 : 100.0 * x.Votes / total):0} %)"));
        var top = counts.Length == 0 ? 0 : counts.Max();
        var leaders = poll.Options.Where((_, i) => counts[i] == top).ToList();
        var outcome = total == 0 ? "No household voted."
            : leaders.Count == 1 ? $"\"{leaders[0]}\" has the most votes."
            : $"Tie between {string.Join(" and ", leaders.Select(l => $"\"{l}\""))}.";
        return $"{outcome} {string.Join("; ", lines)}. {total} of {poll.Eligible} households voted.";
    }
}
