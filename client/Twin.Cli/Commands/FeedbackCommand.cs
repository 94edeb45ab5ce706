using System.CommandLine;
using System.Text.RegularExpressions;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin feedback</c>: residents' reports and suggestions. A household files them; the property company answers
/// them or turns them into a work order, which the household rates once done (<c>twin workorders rate</c>).
/// </summary>
public static partial class FeedbackCommand
{
    public static readonly IReadOnlyList<string> Categories = ["repair", "environment", "safety", "suggestion", "complaint"];
    const int MaxTextLength = 2000;

    public static Command Create(CommonOptions common)
    {
        var status = new Option<string?>("--status")
        {
            Description = "Only feedback with this status (active = open or in work)",
            HelpName = "status",
        };
        status.AcceptOnlyFromAmong("open", "answered", "in_work", "done", "active");
        var building = new Option<string?>("--building") { Description = "Only feedback from or about this building, e.g. B1", HelpName = "building" };
        var command = new Command("feedback",
            "Residents' feedback, newest first (a household's token sees its own): file it, show it with its timeline, answer it or turn it into a work order")
        {
            status,
            building,
            File(common),
            Show(common),
            Answer(common),
            WorkOrder(common),
        };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.ListFeedback(parse.GetValue(status), Given(parse.GetValue(building)), cancellationToken), output.FeedbackList));
        return command;
    }

    static Command File(CommonOptions common)
    {
        var category = new Option<string>("--category") { Description = $"What kind: {string.Join(", ", Categories)}", HelpName = "category", Required = true };
        category.AcceptOnlyFromAmong([.. Categories]);
        var text = new Option<string>("--text")
        {
            Description = $"What is wrong, or what you suggest (at most {MaxTextLength} characters)",
            HelpName = "text",
            Required = true,
        };
        var twin = new Option<string?>("--twin") { Description = "What it is about, e.g. lamp/L-07 or bin/BIN-B1-01", HelpName = "kind/id" };
        var command = new Command("file",
            "File a report or suggestion with a household's token; the property company has to respond by the time shown, or it escalates")
        {
            category, text, twin,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(text) is { } value && (string.IsNullOrWhiteSpace(value) || value.Length > MaxTextLength))
                result.AddError($"--text must say what is wrong or what you suggest, in at most {MaxTextLength} characters.");
            if (Given(result.GetValue(twin)) is { } address && !TwinAddressRegex().IsMatch(address))
                result.AddError($"--twin expects kind/id, e.g. lamp/L-07, not '{address}'.");
        });
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(
                await api.FileFeedback(parse.GetRequiredValue(category), parse.GetRequiredValue(text).Trim(), Given(parse.GetValue(twin)), cancellationToken),
                output.FeedbackFiled));
        return command;
    }

    static Command Show(CommonOptions common)
    {
        var id = FeedbackId();
        var command = new Command("show", "Show one piece of feedback: the answer or the work order and its status, the rating, and the timeline of every change") { id };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.GetFeedback(parse.GetRequiredValue(id), cancellationToken), output.Feedback));
        return command;
    }

    static Command Answer(CommonOptions common)
    {
        var id = FeedbackId();
        var text = new Option<string>("--text") { Description = "The answer the resident reads", HelpName = "text", Required = true };
        var command = new Command("answer", "Answer feedback without a work order (property, committee or admin)") { id, text };
        command.Validators.Add(result =>
        {
            if (result.GetValue(text) is { } value && string.IsNullOrWhiteSpace(value))
                result.AddError("--text must be the answer the resident will read.");
        });
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.AnswerFeedback(parse.GetRequiredValue(id), parse.GetRequiredValue(text).Trim(), cancellationToken), output.Feedback));
        return command;
    }

    static Command WorkOrder(CommonOptions common)
    {
        var id = FeedbackId();
        var summary = new Option<string?>("--summary") { Description = "What is to be done (by default the resident's text)", HelpName = "text" };
        var command = new Command("workorder",
            "Open a work order for the feedback, linked both ways (property or admin); its steps show on the feedback, and the household rates it when done")
        {
            id, summary,
        };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.FeedbackToWorkOrder(parse.GetRequiredValue(id), Given(parse.GetValue(summary)), cancellationToken), output.Feedback));
        return command;
    }

    static string? Given(string? option) => string.IsNullOrWhiteSpace(option) ? null : option.Trim();

    static Argument<string> FeedbackId() => new("id") { Description = "Feedback id, e.g. fb-20260314-1a2b3c4d (twin feedback lists them)" };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}/[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex TwinAddressRegex();
}
