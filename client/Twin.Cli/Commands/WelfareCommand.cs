using System.CommandLine;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin welfare</c>: the vulnerable households under a welfare watch. One that stays silent too long gets a check,
/// a task for the grid workers of its building with a deadline that escalates; a check-in or the visit closes it.
/// </summary>
public static class WelfareCommand
{
    public static Command Create(CommonOptions common)
    {
        var status = new Option<string?>("--status")
        {
            Description = "Only households whose check is open, escalated (open and past a deadline) or closed",
            HelpName = "status",
        };
        status.AcceptOnlyFromAmong("open", "escalated", "closed");
        var building = new Option<string?>("--building") { Description = "Only the households of this building, e.g. B1", HelpName = "building" };
        var command = new Command("welfare",
            "Vulnerable households under a welfare watch and their checks, open ones first (grid workers see their buildings; committee and admin all). " +
            "Reading residents' names and phones is audited")
        {
            status,
            building,
            Show(common),
            Step(common, "ack", "Acknowledge the open welfare check: someone is on the way"),
            Step(common, "complete", "Record the visit: it closes the open welfare check"),
        };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var only = parse.GetValue(building) is { } given && !string.IsNullOrWhiteSpace(given) ? given.Trim() : null;
            output.Show(await api.ListWelfare(parse.GetValue(status), only, cancellationToken), output.WelfareList);
        });
        return command;
    }

    static Command Show(CommonOptions common)
    {
        var household = HouseholdId();
        var command = new Command("show", "Show one watched household: its last activity, the residents with their phones, and its open or last check with the timeline")
        {
            household,
        };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.GetWelfare(parse.GetRequiredValue(household), cancellationToken), output.Welfare));
        return command;
    }

    static Command Step(CommonOptions common, string action, string description)
    {
        var household = HouseholdId();
        var note = new Option<string?>("--note") { Description = "What the visitor wants on the record (at most 1000 characters)", HelpName = "text" };
        var command = new Command(action, description + ". The grid workers of the building may, those it escalated to, and the admin") { household, note };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var text = parse.GetValue(note);
            var welfare = await api.StepWelfareCheck(parse.GetRequiredValue(household), action, string.IsNullOrWhiteSpace(text) ? null : text.Trim(), cancellationToken);
            output.Show(welfare, output.Welfare);
        });
        return command;
    }

    static Argument<string> HouseholdId() => new("household") { Description = "Household id, e.g. B1-1-0501" };
}
