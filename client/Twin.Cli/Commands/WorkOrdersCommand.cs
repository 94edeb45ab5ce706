using System.CommandLine;

namespace Twin.Cli.Commands;

/// <summary><c>twin workorders</c>: lists work orders, moves one along (assign, start, complete), and lets the household that raised it rate it.</summary>
public static class WorkOrdersCommand
{
    public static Command Create(CommonOptions common)
    {
        var status = new Option<string?>("--status") { Description = "Only work orders with this status (active = not done)", HelpName = "status" };
        status.AcceptOnlyFromAmong("open", "assigned", "in_progress", "done", "active");
        var command = new Command("workorders", "List work orders, newest first; assign, start and complete them; rate the finished work")
        {
            status,
            Assign(common),
            Start(common),
            Complete(common),
            Rate(common),
        };

        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var list = await api.ListWorkOrders(parse.GetValue(status), cancellationToken);
            output.Show(list, output.WorkOrders);
        });
        return command;
    }

    static Command Assign(CommonOptions common)
    {
        var id = WorkOrderId();
        var assignee = new Option<string>("--to") { Description = "Who does the work: a person or a team", HelpName = "assignee", Required = true };
        var command = new Command("assign", "Assign a work order to a person or team") { id, assignee };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.AssignWorkOrder(parse.GetRequiredValue(id), parse.GetRequiredValue(assignee), cancellationToken), output.WorkOrder));
        return command;
    }

    static Command Start(CommonOptions common)
    {
        var id = WorkOrderId();
        var command = new Command("start", "Record that work on an assigned work order has started") { id };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.StartWorkOrder(parse.GetRequiredValue(id), cancellationToken), output.WorkOrder));
        return command;
    }

    static Command Complete(CommonOptions common)
    {
        var id = WorkOrderId();
        var note = new Option<string?>("--note") { Description = "What was done", HelpName = "text" };
        var command = new Command("complete", "Record that a work order is done") { id, note };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.CompleteWorkOrder(parse.GetRequiredValue(id), parse.GetValue(note), cancellationToken), output.WorkOrder));
        return command;
    }

    static Command Rate(CommonOptions common)
    {
        var id = WorkOrderId();
        var stars = new Option<int>("--stars") { Description = "How well it was done, from 1 (poor) to 5 (excellent)", HelpName = "1-5", Required = true };
        stars.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 5)
                result.AddError($"--stars must be a whole number from 1 (poor) to 5 (excellent), not {result.GetValueOrDefault<int>()}.");
        });
        var comment = new Option<string?>("--comment") { Description = "What the household wants to say about the work", HelpName = "text" };
        var command = new Command("rate",
            "Rate finished work with the token of the household whose feedback raised the work order; rating again replaces the rating")
        {
            id, stars, comment,
        };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var text = parse.GetValue(comment);
            var rated = await api.RateWorkOrder(parse.GetRequiredValue(id), parse.GetValue(stars), string.IsNullOrWhiteSpace(text) ? null : text.Trim(), cancellationToken);
            output.Show(rated, output.WorkOrderRated);
        });
        return command;
    }

    static Argument<string> WorkOrderId() => new("id") { Description = "Work order id, e.g. wo-2026-0001" };
}
