using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin polls</c>: the committee asks the community or one building; each household has one vote, which it may
/// change until the poll closes at its time (or earlier, by hand); the result is published as a notice.
/// </summary>
public static partial class PollsCommand
{
    public static Command Create(CommonOptions common)
    {
        var status = new Option<string?>("--status") { Description = "Only open or only closed polls", HelpName = "status" };
        status.AcceptOnlyFromAmong("open", "closed");
        var command = new Command("polls",
            "Polls with their live counts, newest first (a household's token sees those of its building and the community): open, show, vote, close")
        {
            status,
            Open(common),
            Show(common),
            Vote(common),
            Close(common),
        };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.ListPolls(parse.GetValue(status), cancellationToken), output.Polls));
        return command;
    }

    static Command Open(CommonOptions common)
    {
        var question = new Option<string>("--question") { Description = "What the households are asked", HelpName = "text", Required = true };
        var options = new Option<string[]>("--option")
        {
            Description = "One choice; give it once per choice, 2 to 10 of them (--option Yes --option No)",
            HelpName = "choice",
            Required = true,
        };
        var building = new Option<string?>("--building") { Description = "Ask only the households of this building, e.g. B1 (default: the whole community)", HelpName = "building" };
        var closes = new Option<string>("--closes")
        {
            Description = "When voting ends: an ISO time (2026-12-01T20:00+08:00; without an offset, local time) or a time from now (90m, 2h, 3d, 1d12h)",
            HelpName = "time",
            Required = true,
        };
        var command = new Command("open", "Open a poll (committee or admin); it closes by itself at --closes and its result becomes a notice to the audience")
        {
            question, options, building, closes,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(question) is { } text && string.IsNullOrWhiteSpace(text))
                result.AddError("--question must say what the households are asked.");
            if (result.GetValue(options) is { Length: < 2 })
                result.AddError("A poll needs at least two choices: give --option once for each (--option Yes --option No).");
            if (result.GetValue(closes) is { } when && ClosingTime(when, DateTimeOffset.UtcNow) is null)
                result.AddError($"--closes expects an ISO time such as 2026-12-01T20:00+08:00, or a time from now such as 90m, 2h or 3d; not '{when}'.");
        });
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var closesAt = ClosingTime(parse.GetRequiredValue(closes), DateTimeOffset.UtcNow)!.Value;
            var choices = parse.GetRequiredValue(options).Select(o => o.Trim()).ToList();
            var audience = parse.GetValue(building) is { } given && !string.IsNullOrWhiteSpace(given) ? given.Trim() : null;
            output.Show(await api.OpenPoll(parse.GetRequiredValue(question).Trim(), choices, audience, closesAt, cancellationToken), output.PollOpened);
        });
        return command;
    }

    static Command Show(CommonOptions common)
    {
        var id = PollId();
        var command = new Command("show", "Show a poll: the votes per option as bars, the turnout, your household's vote (with a household's token), and the result once closed") { id };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.GetPoll(parse.GetRequiredValue(id), cancellationToken), output.Poll));
        return command;
    }

    static Command Vote(CommonOptions common)
    {
        var id = PollId();
        var option = new Option<string>("--option") { Description = "The choice, exactly as the poll lists it", HelpName = "choice", Required = true };
        var command = new Command("vote", "Vote with a household's token; voting again changes the household's vote until the poll closes") { id, option };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.Vote(parse.GetRequiredValue(id), parse.GetRequiredValue(option), cancellationToken), output.Poll));
        return command;
    }

    static Command Close(CommonOptions common)
    {
        var id = PollId();
        var command = new Command("close", "Close a poll before its time (committee or admin); the result is published as a notice") { id };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.ClosePoll(parse.GetRequiredValue(id), cancellationToken), output.Poll));
        return command;
    }

    /// <summary>
    /// When a poll given <c>--closes <paramref name="text"/></c> at <paramref name="now"/> closes, or null if the text is
    /// neither an ISO time nor a duration. Whether it is in the future is the API's to say.
    /// </summary>
    public static DateTimeOffset? ClosingTime(string text, DateTimeOffset now)
    {
        text = text.Trim();
        if (DurationRegex().Match(text) is { Success: true } duration)
        {
            var span = TimeSpan.Zero;
            for (var i = 0; i < duration.Groups["amount"].Captures.Count; i++)
            {
                if (!int.TryParse(duration.Groups["amount"].Captures[i].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
                    return null;
                var unit = duration.Groups["unit"].Captures[i].Value.ToLowerInvariant() switch
                {
                    "s" => TimeSpan.FromSeconds(1),
                    "m" => TimeSpan.FromMinutes(1),
                    "h" => TimeSpan.FromHours(1),
                    _ => TimeSpan.FromDays(1),
                };
                // Far beyond the longest poll the API allows, and safely short of overflowing.
                if (amount > 100_000)
                    return null;
                span += unit * amount;
            }
            return now + span;
        }
        return IsoDateRegex().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at) ? at : null;
    }

    static Argument<string> PollId() => new("id") { Description = "Poll id, e.g. poll-20260314-1a2b3c4d (twin polls lists them)" };

    [GeneratedRegex("^(?:(?<amount>[0-9]+)(?<unit>[smhd]))+$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationRegex();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}")]
    private static partial Regex IsoDateRegex();
}
