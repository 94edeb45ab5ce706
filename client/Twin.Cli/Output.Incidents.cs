using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Twin.Cli;

/// <summary>What the <c>twin incident</c> commands show people; under <c>--json</c> the API's JSON goes out through <see cref="Show"/> instead.</summary>
public sealed partial class Output
{
    /// <summary>How many of an incident's latest timeline steps <c>twin incident show</c> prints.</summary>
    public const int TimelineLines = 20;
    const int DevicesNamedPerAction = 5;

    public void IncidentRaised(JsonElement incident, bool created)
    {
        var id = Text(incident, "id") ?? "?";
        if (!created)
        {
            console.MarkupLine(
                $"attached to the active {Escape(IncidentKind(incident))} [bold]{Escape(id)}[/] {Escape(Whereabouts(incident))}, " +
                $"opened {Escape(Time(Text(incident, "openedAt")))}{Escape(Age(Text(incident, "openedAt")))}: this trigger is on its timeline; no new tasks were given");
            console.MarkupLine($"[grey]{Escape($"follow it: twin incident show {id}")}[/]");
            return;
        }

        console.MarkupLine($"{Headline(incident)}  raised {Escape(Whereabouts(incident))}");
        console.MarkupLine($"[grey]{Escape(Text(incident, "description") ?? "")}[/]");
        console.WriteLine();
        TasksTable(incident, detailed: false);
        DeviceActionsTable(incident);
        if (Households(incident) is { Total: > 0 } households)
            console.MarkupLine($"{households.Total} {Plural(households.Total, "household was", "households were")} asked to check in");
        console.MarkupLine($"[grey]{Escape($"follow it: twin incident show {id} · acknowledge a task: twin incident ack {id} <task>")}[/]");
    }

    public void Incidents(JsonElement list)
    {
        var items = Items(list);
        if (items.Count > 0)
        {
            var table = NewTable("Id", "Type", "Where", "Status", "Opened", "Tasks", "Households", "Description");
            foreach (var incident in items)
            {
                table.AddRow(
                    Plain(Text(incident, "id")),
                    new Markup(TypeMarkup(incident)),
                    Plain(Whereabouts(incident, withPreposition: false)),
                    new Markup(Paint(Text(incident, "status"))),
                    Plain(Time(Text(incident, "openedAt"))),
                    new Markup(TaskProgress(incident)),
                    new Markup(HouseholdProgress(incident)),
                    Plain(Compact(Text(incident, "description") ?? "", 60)));
            }
            console.Write(table);
        }
        var active = items.Count(i => Text(i, "status") == "active");
        console.MarkupLine($"[bold]{Count(list, items)}[/] {Plural(Count(list, items), "incident", "incidents")}" + (active > 0 ? $", [red]{active} active[/]" : ""));
    }

    public void Incident(JsonElement incident)
    {
        console.MarkupLine(Headline(incident));
        var facts = new List<string> { Whereabouts(incident, withPreposition: false), $"opened {Time(Text(incident, "openedAt"))}{Age(Text(incident, "openedAt"))}" };
        if (Text(incident, "closedAt") is { } closedAt)
            facts.Add($"closed {Time(closedAt)}{Age(closedAt)}");
        console.MarkupLine($"[grey]{Escape(string.Join(" · ", facts))}[/]");
        console.MarkupLine(Escape(Text(incident, "description") ?? ""));
        console.WriteLine();

        TasksTable(incident, detailed: true);
        HouseholdsSection(incident);
        DeviceActionsTable(incident);
        FailedActions(incident);
        // The incident's own steps name it in full on every line; "incident" says the same in less room.
        TimelineOf(incident, $"incident/{Text(incident, "id")}", "incident", "HH:mm:ss");
    }

    /// <summary>What an ack or complete did to <paramref name="taskId"/>, and where the incident stands now.</summary>
    public void IncidentTaskStepped(JsonElement incident, string taskId)
    {
        var task = Tasks(incident).FirstOrDefault(t => Text(t, "id") == taskId);
        if (task.ValueKind == JsonValueKind.Object)
        {
            var status = Text(task, "status");
            var (at, by) = status == "done" ? (Text(task, "doneAt"), Text(task, "doneBy")) : (Text(task, "acknowledgedAt"), Text(task, "acknowledgedBy"));
            console.MarkupLine(
                $"task [bold]{Escape(taskId)}[/] {Paint(status)} by {Escape(by ?? "?")} at {Escape(Time(at, "HH:mm:ss"))} · " +
                $"{Escape(Party(task))}: {Escape(Text(task, "title") ?? "")}");
        }
        console.MarkupLine($"[grey]incident[/] {Headline(incident)}  {TaskProgress(incident)}");
    }

    public void IncidentClosed(JsonElement incident)
    {
        var id = Text(incident, "id") ?? "?";
        var closing = Property(incident, "timeline") is { ValueKind: JsonValueKind.Array } timeline
            ? timeline.EnumerateArray().LastOrDefault(step => Text(step, "what") == "incident closed")
            : default;
        var by = closing.ValueKind == JsonValueKind.Object ? $" by {Text(closing, "who")}" : "";
        console.MarkupLine($"{Headline(incident)}{Escape(by)} at {Escape(Time(Text(incident, "closedAt"), "HH:mm:ss"))}");
        var restoring = Actions(incident).Count(a => Text(a, "phase") == "restore");
        console.MarkupLine(restoring > 0
            ? $"{restoring} {Plural(restoring, "device is", "devices are")} being put back to normal (gates to normal, lamps to auto)"
            : "[grey]no device modes to restore[/]");
        console.MarkupLine($"[grey]{Escape($"after-action report: twin incident report {id} [--html report.html]")}[/]");
    }

    public void IncidentReport(JsonElement report)
    {
        var kind = $"{(Text(report, "type") ?? "?").Replace('_', ' ')} {(Bool(report, "drill") ? "drill" : "incident")}";
        console.MarkupLine($"[bold]After-action report[/]: {Escape(kind)} [bold]{Escape(Text(report, "id") ?? "?")}[/]" +
            (Text(report, "building") is { } building ? $" in building {Escape(building)}" : ""));
        console.MarkupLine(Escape(Text(report, "description") ?? ""));
        var closed = Text(report, "closedAt") is { } closedAt ? Time(closedAt) : "still active";
        console.MarkupLine($"[grey]{Escape($"opened {Time(Text(report, "openedAt"))} · closed {closed} · lasted {Duration(Number(report, "durationSeconds"))} · {Raw(report, "triggers") ?? "1"} trigger(s)")}[/]");
        console.WriteLine();

        var households = Counts(Property(report, "households"));
        if (households.Total > 0)
        {
            var accountedAfter = Number(report, "secondsUntilAllHouseholdsAccounted") is { } seconds
                ? $"[green]every household accounted for after {Duration(seconds)}[/]"
                : "[red]not every household was accounted for[/]";
            console.MarkupLine($"Households: {households.Total} in all: [green]{households.Safe} safe[/] · {Paint(households.NeedHelp > 0 ? "need_help" : null, $"{households.NeedHelp} needed help")} · " +
                $"{Paint(households.Unaccounted > 0 ? "failed" : null, $"{households.Unaccounted} never accounted for")} · {accountedAfter}");
            if (Strings(report, "householdsNeverAccounted") is { Count: > 0 } never)
                console.MarkupLine($"[red]never accounted for:[/] {Escape(string.Join(", ", never))}");
        }
        else
        {
            console.MarkupLine("[grey]no households were asked to check in[/]");
        }

        var acks = NewTable("Party", "First acknowledgement after");
        if (Property(report, "secondsToFirstAckByRole") is { ValueKind: JsonValueKind.Object } firstAcks)
            foreach (var role in firstAcks.EnumerateObject().OrderBy(r => r.Value.ValueKind == JsonValueKind.Number ? r.Value.GetDouble() : double.MaxValue))
                acks.AddRow(Plain(role.Name), Plain(Duration(role.Value.ValueKind == JsonValueKind.Number ? role.Value.GetDouble() : null)));
        foreach (var role in Strings(report, "rolesThatNeverAcknowledged") ?? [])
            acks.AddRow(Plain(role), new Markup("[red]never[/]"));
        if (acks.Rows.Count > 0)
            console.Write(acks);

        if (Property(report, "missedDeadlines") is { ValueKind: JsonValueKind.Array } missed && missed.GetArrayLength() > 0)
        {
            var table = NewTable("Missed deadline", "Party", "Times", "Escalated to");
            foreach (var deadline in missed.EnumerateArray())
                table.AddRow(
                    Plain($"{Text(deadline, "task")}: {Text(deadline, "title")}"),
                    Plain(Text(deadline, "role")),
                    new Markup($"[red]{Escape(Raw(deadline, "times") ?? "?")}[/]"),
                    Plain(JoinOrNull(Strings(deadline, "escalatedTo"))?.Replace(", ", " → ", StringComparison.Ordinal)));
            console.Write(table);
        }
        else
        {
            console.MarkupLine("[green]no missed deadlines[/]");
        }

        if (Property(report, "failedDeviceActions") is { ValueKind: JsonValueKind.Array } failed && failed.GetArrayLength() > 0)
        {
            var table = NewTable("Failed device action", "Device", "Why");
            foreach (var action in failed.EnumerateArray())
                table.AddRow(new Markup($"[red]{Escape(Text(action, "command") ?? "?")}[/]"), Plain(Text(action, "twin")), Plain(Text(action, "detail")));
            console.Write(table);
        }
        else
        {
            console.MarkupLine("[green]no device action failed[/]");
        }

        var steps = Property(report, "timeline") is { ValueKind: JsonValueKind.Array } timeline ? timeline.GetArrayLength() : 0;
        console.MarkupLine($"[grey]{Escape($"the timeline has {steps} {Plural(steps, "step", "steps")}: twin incident show {Text(report, "id")}, or the printable page with --html report.html")}[/]");
    }

    /// <summary>Where <c>twin incident report --html</c> put the page; under <c>--json</c>, <c>{"incident": ..., "html": path, "bytes": n}</c>.</summary>
    public void IncidentReportPageWritten(string incidentId, string path, long bytes)
    {
        if (Json)
        {
            raw.WriteLine(new JsonObject { ["incident"] = incidentId, ["html"] = path, ["bytes"] = bytes }.ToJsonString(OneLineOptions));
            return;
        }
        console.MarkupLine($"[green]wrote[/] the after-action report of incident [bold]{Escape(incidentId)}[/] to {Escape(path)} [grey]({bytes} bytes; open it in a browser to print)[/]");
    }

    /// <summary>The printable page itself, for <c>--html -</c>.</summary>
    public void Page(string html) => raw.Write(html);

    string Headline(JsonElement incident) =>
        $"[bold]{Escape(Text(incident, "id") ?? "?")}[/]  {TypeMarkup(incident)}  {Paint(Text(incident, "status"))}";

    static string TypeMarkup(JsonElement incident) =>
        $"[bold red]{Escape((Text(incident, "type") ?? "?").Replace('_', ' '))}[/]" + (Bool(incident, "drill") ? " [yellow]DRILL[/]" : "");

    static string IncidentKind(JsonElement incident) =>
        $"{(Text(incident, "type") ?? "?").Replace('_', ' ')} {(Bool(incident, "drill") ? "drill" : "incident")}";

    static string Whereabouts(JsonElement incident, bool withPreposition = true)
    {
        var place = Text(incident, "building") is { } building ? $"building {building}" : "the community";
        if (Text(incident, "twin") is { } twin)
            place += $" ({twin})";
        return withPreposition ? $"in {place}" : place;
    }

    void TasksTable(JsonElement incident, bool detailed)
    {
        var tasks = Tasks(incident);
        if (tasks.Count == 0)
        {
            console.MarkupLine("[grey]no tasks[/]");
            return;
        }
        var table = detailed
            ? NewTable("Task", "Party", "Title", "Status", "Deadline", "Acknowledged", "Done", "Escalated to")
            : NewTable("Task", "Party", "Title", "Deadline");
        foreach (var task in tasks)
        {
            var status = Text(task, "status");
            var deadline = status == "pending" ? Due(Text(task, "deadline")) : Escape(Time(Text(task, "deadline"), "HH:mm:ss"));
            if (!detailed)
            {
                table.AddRow(Plain(Text(task, "id")), Plain(Party(task)), Plain(Text(task, "title")), new Markup(deadline));
                continue;
            }
            var escalatedTo = Strings(task, "escalatedTo") ?? [];
            table.AddRow(
                Plain(Text(task, "id")),
                Plain(Party(task)),
                Plain(Text(task, "title")),
                new Markup(Paint(status)),
                new Markup(deadline),
                Plain(Step(Text(task, "acknowledgedAt"), Text(task, "acknowledgedBy"))),
                Plain(Step(Text(task, "doneAt"), Text(task, "doneBy"))),
                escalatedTo.Count == 0 ? Plain(null) : new Markup($"[red]{Escape(string.Join(" → ", escalatedTo))}[/]"));
        }
        console.Write(table);
    }

    /// <summary>A pending task's deadline, with how long is left or, in red, how long ago it passed.</summary>
    string Due(string? deadline)
    {
        if (deadline is null || !DateTimeOffset.TryParse(deadline, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return Escape(deadline ?? None);
        var left = at - clock.GetUtcNow();
        var time = Escape(Time(deadline, "HH:mm:ss"));
        return left >= TimeSpan.Zero
            ? $"{time} [grey](in {Escape(Duration(left.TotalSeconds))})[/]"
            : $"[red]{time} (overdue {Escape(Duration(-left.TotalSeconds))})[/]";
    }

    static string Step(string? at, string? by) => at is null ? None : $"{Time(at, "HH:mm:ss")} by {by ?? "?"}";

    static string Party(JsonElement task)
    {
        var parties = Strings(task, "parties") ?? [];
        var role = Text(task, "role") ?? "?";
        return parties.Count == 0 ? role : $"{role} ({string.Join(", ", parties)})";
    }

    static string TaskProgress(JsonElement incident)
    {
        var tasks = Tasks(incident);
        if (tasks.Count == 0)
            return Escape(None);
        var acknowledged = tasks.Count(t => Text(t, "status") is "acknowledged" or "done");
        var escalated = tasks.Count(t => Strings(t, "escalatedTo") is { Count: > 0 } && Text(t, "status") == "pending");
        var progress = acknowledged == tasks.Count ? $"[green]{acknowledged}/{tasks.Count} acknowledged[/]" : $"{acknowledged}/{tasks.Count} acknowledged";
        return escalated > 0 ? $"{progress}, [red]{escalated} escalated[/]" : progress;
    }

    static string HouseholdProgress(JsonElement incident)
    {
        var households = Households(incident);
        if (households.Total == 0)
            return Escape(None);
        var parts = new List<string> { $"[green]{households.Safe}/{households.Total} safe[/]" };
        if (households.NeedHelp > 0)
            parts.Add($"[red]{households.NeedHelp} need help[/]");
        if (households.Unaccounted > 0)
            parts.Add($"[yellow]{households.Unaccounted} unaccounted[/]");
        return string.Join(", ", parts);
    }

    void HouseholdsSection(JsonElement incident)
    {
        var households = Households(incident);
        if (households.Total == 0)
        {
            console.MarkupLine("[grey]no households asked to check in[/]");
            return;
        }
        console.MarkupLine($"Households: {households.Total} · [green]{households.Safe} safe[/] · " +
            $"{Paint(households.NeedHelp > 0 ? "need_help" : null, $"{households.NeedHelp} need help")} · " +
            $"{Paint(households.Unaccounted > 0 ? "unaccounted" : null, $"{households.Unaccounted} unaccounted")}");

        var details = Property(incident, "householdDetails") is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray().ToList() : [];
        var needHelp = details.Where(h => Text(h, "status") == "need_help").ToList();
        if (needHelp.Count > 0)
            console.MarkupLine($"  [red]need help:[/] {Escape(string.Join(", ", needHelp.Select(HouseholdAndFloor)))}");
        // Who may still be inside, by floor: what a fire officer asks first.
        var unaccountedByFloor = details.Where(h => Text(h, "status") == "unaccounted")
            .GroupBy(h => Number(h, "floor"))
            .OrderBy(g => g.Key ?? double.MaxValue)
            .Select(g => $"{(g.Key is { } floor ? $"floor {floor:0}" : "floor ?")}: {g.Count()}")
            .ToList();
        if (unaccountedByFloor.Count > 0)
            console.MarkupLine($"  [yellow]unaccounted by floor:[/] {Escape(string.Join(" · ", unaccountedByFloor))}");
    }

    static string HouseholdAndFloor(JsonElement household)
    {
        var floor = Number(household, "floor") is { } number ? $" (floor {number:0})" : "";
        var vulnerable = Bool(household, "vulnerable") ? ", vulnerable resident" : "";
        return $"{Text(household, "household")}{floor}{vulnerable}";
    }

    /// <summary>One row per command the playbook sent (a fire sends the same one to every gate), with its devices and how they answered.</summary>
    void DeviceActionsTable(JsonElement incident)
    {
        var actions = Actions(incident);
        if (actions.Count == 0)
        {
            console.MarkupLine("[grey]no device actions[/]");
            return;
        }
        var table = NewTable("Device action", "Phase", "Devices", "Status");
        foreach (var group in actions.GroupBy(a => (Command: Text(a, "command") ?? "?", Phase: Text(a, "phase") ?? "")))
        {
            var devices = group.Select(a => Text(a, "twin") ?? "?").ToList();
            var statuses = group.GroupBy(a => Text(a, "status") ?? "?").Select(s => Paint(s.Key, $"{s.Count()} {s.Key}"));
            table.AddRow(Plain(group.Key.Command), Plain(group.Key.Phase), Plain($"{devices.Count}: {Named(devices)}"), new Markup(string.Join(" · ", statuses)));
        }
        console.Write(table);
    }

    /// <summary>Why device actions failed, one line per reason: when no device answers, that is one line, not one per device.</summary>
    void FailedActions(JsonElement incident)
    {
        foreach (var reason in Actions(incident).Where(a => Text(a, "status") == "failed").GroupBy(a => Text(a, "detail") ?? "no reason given"))
        {
            var devices = reason.Select(a => Text(a, "twin") ?? "?").Distinct().ToList();
            console.MarkupLine($"  [red]failed:[/] {Escape($"{reason.Key}: {Named(devices)}")}");
        }
    }


    static string Named(List<string> devices) =>
        string.Join(", ", devices.Take(DevicesNamedPerAction)) + (devices.Count > DevicesNamedPerAction ? $" +{devices.Count - DevicesNamedPerAction} more" : "");

    static List<JsonElement> Tasks(JsonElement incident) =>
        Property(incident, "tasks") is { ValueKind: JsonValueKind.Array } tasks ? [.. tasks.EnumerateArray()] : [];

    static List<JsonElement> Actions(JsonElement incident) =>
        Property(incident, "actions") is { ValueKind: JsonValueKind.Array } actions ? [.. actions.EnumerateArray()] : [];

    static HouseholdCounts Households(JsonElement incident) => Counts(Property(incident, "households"));

    static HouseholdCounts Counts(JsonElement? counts) => new(
        (int)(Number(counts, "total") ?? 0), (int)(Number(counts, "safe") ?? 0), (int)(Number(counts, "needHelp") ?? 0), (int)(Number(counts, "unaccounted") ?? 0));

    readonly record struct HouseholdCounts(int Total, int Safe, int NeedHelp, int Unaccounted);

    /// <summary>Seconds as people read a stopwatch: 0:42, 12:05, 1:02:09.</summary>
    static string Duration(double? seconds)
    {
        if (seconds is not { } value)
            return None;
        var span = TimeSpan.FromSeconds(Math.Round(value));
        return span.ToString(span.TotalDays >= 1 ? @"d\d\ h\:mm\:ss" : span.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
    }
}
