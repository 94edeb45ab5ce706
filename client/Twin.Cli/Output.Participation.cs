using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Twin.Cli;

/// <summary>
/// What the residents' participation and care commands (<c>twin feedback</c>, <c>polls</c>, <c>notices</c>,
/// <c>welfare</c>, <c>workorders rate</c>) show people; under <c>--json</c> the API's JSON goes out through <see cref="Show"/> instead.
/// </summary>
public sealed partial class Output
{
    const int PollBarWidth = 24;

    public void FeedbackList(JsonElement list)
    {
        var items = Items(list);
        if (items.Count > 0)
        {
            var table = NewTable("Id", "Filed", "Household", "Category", "About", "Status", "Response", "Rating", "Text");
            foreach (var feedback in items)
            {
                table.AddRow(
                    Plain(Text(feedback, "id")),
                    Plain(Time(Text(feedback, "filedAt"), "yyyy-MM-dd HH:mm")),
                    Plain(Text(feedback, "household")),
                    Plain(Text(feedback, "category")),
                    Plain(Text(feedback, "twin")),
                    new Markup(FeedbackStatus(Text(feedback, "status"))),
                    new Markup(Response(feedback)),
                    Plain(Property(feedback, "rating") is { } rating ? Stars(rating) : null),
                    Plain(Compact(Text(feedback, "text") ?? "", 50)));
            }
            console.Write(table);
        }
        var count = Count(list, items);
        var open = items.Count(f => Text(f, "status") == "open");
        var overdue = items.Count(f => Text(f, "status") == "open" && IsPast(Text(f, "respondBy")));
        var summary = $"[bold]{count}[/] {Plural(count, "piece of feedback", "pieces of feedback")}";
        if (open > 0)
            summary += $", [yellow]{open} waiting for a response[/]";
        var escalated = items.Count(f => Text(f, "status") == "open" && Strings(f, "escalatedTo") is { Count: > 0 });
        if (overdue > 0)
            summary += $", [red]{overdue} overdue[/]";
        if (escalated > 0)
            summary += $", [red]{escalated} escalated[/]";
        console.MarkupLine(summary);
    }

    public void FeedbackFiled(JsonElement feedback)
    {
        var id = Text(feedback, "id") ?? "?";
        var about = Text(feedback, "twin") is { } twin ? $" about {twin}" : "";
        console.MarkupLine($"filed [bold]{Escape(id)}[/]: {Escape($"{Text(feedback, "category")}{about}")}  {FeedbackStatus(Text(feedback, "status"))}");
        console.MarkupLine($"the property company responds by {Until(Text(feedback, "respondBy"))}");
        console.MarkupLine($"[grey]{Escape($"follow it: twin feedback show {id}")}[/]");
    }

    public void Feedback(JsonElement feedback)
    {
        var id = Text(feedback, "id") ?? "?";
        console.MarkupLine($"[bold]{Escape(id)}[/]  {Escape(Text(feedback, "category") ?? "?")}  {FeedbackStatus(Text(feedback, "status"))}");
        var facts = new List<string> { $"household {Text(feedback, "household") ?? "?"}" };
        if (Text(feedback, "building") is { } building)
            facts.Add($"building {building}");
        if (Text(feedback, "twin") is { } twin)
            facts.Add($"about {twin}");
        facts.Add($"filed {Time(Text(feedback, "filedAt"))}{Age(Text(feedback, "filedAt"))}");
        console.MarkupLine($"[grey]{Escape(string.Join(" · ", facts))}[/]");
        console.MarkupLine(Escape(Text(feedback, "text") ?? ""));
        console.WriteLine();

        if (Text(feedback, "status") == "open")
            console.MarkupLine($"waiting for a response, due by {Until(Text(feedback, "respondBy"))}");
        if (Strings(feedback, "escalatedTo") is { Count: > 0 } escalated)
            console.MarkupLine($"[red]escalated to {Escape(string.Join(" → ", escalated))}[/]");
        if (Text(feedback, "answer") is { } answer)
            console.MarkupLine($"answered by [bold]{Escape(Text(feedback, "respondedBy") ?? "?")}[/] at {Escape(Time(Text(feedback, "respondedAt")))}: {Escape(answer)}");
        if (Text(feedback, "workOrder") is { } workOrder)
        {
            var done = Text(feedback, "doneAt") is { } doneAt && Text(feedback, "workOrderStatus") == "done" ? $" at {Time(doneAt)}" : "";
            console.MarkupLine(
                $"work order [bold]{Escape(workOrder)}[/] {Paint(Text(feedback, "workOrderStatus"))}{Escape(done)} · " +
                $"opened by {Escape(Text(feedback, "respondedBy") ?? "?")} at {Escape(Time(Text(feedback, "respondedAt")))}");
        }
        if (Property(feedback, "rating") is { } rating)
        {
            var comment = Text(rating, "comment") is { } text ? $": {text}" : "";
            console.MarkupLine($"rated [yellow]{Escape(Stars(rating))}[/] by {Escape(Text(rating, "by") ?? "?")} at {Escape(Time(Text(rating, "at")))}{Escape(comment)}");
        }
        else if (Text(feedback, "workOrder") is { } toRate && Text(feedback, "workOrderStatus") == "done")
        {
            console.MarkupLine($"[grey]{Escape($"not rated yet: twin workorders rate {toRate} --stars 1-5 [--comment text]")}[/]");
        }
        TimelineOf(feedback, $"feedback/{id}", "feedback");
    }

    /// <summary>A work order with the household's rating, as <c>twin workorders rate</c> leaves it.</summary>
    public void WorkOrderRated(JsonElement order)
    {
        WorkOrder(order);
        if (Property(order, "rating") is { } rating)
        {
            var comment = Text(rating, "comment") is { } text ? $": {text}" : "";
            console.MarkupLine($"rated [yellow]{Escape(Stars(rating))}[/] by {Escape(Text(rating, "by") ?? "?")}{Escape(comment)}");
        }
        if (Text(order, "feedback") is { } feedback)
            console.MarkupLine($"[grey]{Escape($"the feedback it answers: twin feedback show {feedback}")}[/]");
    }

    public void Polls(JsonElement list)
    {
        var items = Items(list);
        if (items.Count > 0)
        {
            var table = NewTable("Id", "Question", "For", "Status", "Closes", "Votes", "Leading");
            foreach (var poll in items)
            {
                var open = Text(poll, "status") == "open";
                table.AddRow(
                    Plain(Text(poll, "id")),
                    Plain(Compact(Text(poll, "question") ?? "", 60)),
                    Plain(Audience(poll)),
                    new Markup(Paint(Text(poll, "status"))),
                    new Markup(open ? Until(Text(poll, "closesAt")) : Escape(Time(Text(poll, "closedAt") ?? Text(poll, "closesAt"), "yyyy-MM-dd HH:mm"))),
                    Plain(Turnout(poll)),
                    Plain(Leading(poll)));
            }
            console.Write(table);
        }
        var count = Count(list, items);
        var openCount = items.Count(p => Text(p, "status") == "open");
        console.MarkupLine($"[bold]{count}[/] {Plural(count, "poll", "polls")}" + (openCount > 0 ? $", [yellow]{openCount} open[/]" : ""));
    }

    public void PollOpened(JsonElement poll)
    {
        console.MarkupLine($"[green]opened[/] poll [bold]{Escape(Text(poll, "id") ?? "?")}[/] for {Escape(Audience(poll))}: " +
            $"{Escape(Raw(poll, "eligible") ?? "?")} households may vote until {Until(Text(poll, "closesAt"))}");
        console.WriteLine();
        Poll(poll);
    }

    /// <summary>A poll with its counts as bars, the turnout, the asking household's vote and, once closed, the result.</summary>
    public void Poll(JsonElement poll)
    {
        var id = Text(poll, "id") ?? "?";
        var open = Text(poll, "status") == "open";
        console.MarkupLine($"[bold]{Escape(id)}[/]  {Paint(Text(poll, "status"))}  [bold]{Escape(Text(poll, "question") ?? "")}[/]");
        var when = open
            ? $"closes {Until(Text(poll, "closesAt"))}"
            : Escape($"closed {Time(Text(poll, "closedAt") ?? Text(poll, "closesAt"))}");
        console.MarkupLine($"[grey]{Escape($"for {Audience(poll)} · opened by {Text(poll, "createdBy") ?? "?"} {Time(Text(poll, "createdAt"))} · ")}[/]{when}");
        console.WriteLine();

        var options = Strings(poll, "options") ?? [];
        var counts = VoteCounts(poll, options.Count);
        var votes = counts.Sum();
        var top = counts.DefaultIfEmpty(0).Max();
        var yourVote = Text(poll, "yourVote");
        var width = options.DefaultIfEmpty("").Max(o => o.Length);
        for (var i = 0; i < options.Count; i++)
        {
            var length = votes == 0 ? 0 : (int)Math.Round(PollBarWidth * (double)counts[i] / votes);
            var bar = new string('█', length) + new string('·', PollBarWidth - length);
            var share = votes == 0 ? 0 : 100.0 * counts[i] / votes;
            var colour = counts[i] == top && top > 0 ? "green" : "blue";
            var mine = options[i] == yourVote ? "  [bold]← your vote[/]" : "";
            console.MarkupLine(
                $"  {Escape(options[i].PadRight(width))}  [{colour}]{bar}[/]  " +
                $"{Escape(string.Create(CultureInfo.InvariantCulture, $"{counts[i],3} ({share:0} %)"))}{mine}");
        }
        console.WriteLine();

        var changed = (int)(Number(poll, "changedVotes") ?? 0);
        console.MarkupLine(Escape($"{Turnout(poll)} households voted" + (changed > 0 ? $" · {changed} {Plural(changed, "vote was", "votes were")} changed" : "")));
        if (yourVote is not null)
            console.MarkupLine($"your household voted [bold]{Escape(yourVote)}[/]" + (open ? " [grey](you may change it until the poll closes)[/]" : ""));
        if (Text(poll, "result") is { } result)
            console.MarkupLine($"[bold]Result:[/] {Escape(result)}");
        if (Text(poll, "notice") is { } notice)
            console.MarkupLine($"[grey]{Escape($"published as notice {notice} (twin notices)")}[/]");
        else if (open)
            console.MarkupLine($"[grey]{Escape($"a household votes with: twin polls vote {id} --option <choice>")}[/]");
    }

    public void Notices(JsonElement list)
    {
        var items = Items(list);
        if (items.Count > 0)
        {
            var table = NewTable("At", "For", "Title", "Text", "By");
            foreach (var notice in items)
            {
                table.AddRow(
                    Plain(Time(Text(notice, "at"), "yyyy-MM-dd HH:mm")),
                    Plain(Audience(notice)),
                    new Markup($"[bold]{Escape(Text(notice, "title") ?? "")}[/]"),
                    Plain(Text(notice, "text")),
                    Plain(Text(notice, "by")));
            }
            console.Write(table);
        }
        var count = Count(list, items);
        console.MarkupLine($"[bold]{count}[/] {Plural(count, "notice", "notices")}");
    }

    public void WelfareList(JsonElement list)
    {
        var items = Items(list);
        if (items.Count > 0)
        {
            var table = NewTable("Household", "Building", "Floor", "Residents", "Check", "Task", "Silent since", "Deadline", "Escalated to");
            foreach (var watch in items)
            {
                var check = Property(watch, "check");
                var task = Property(check, "task");
                var pending = task is { } t && Text(t, "status") == "pending" && IsOpen(check);
                table.AddRow(
                    Plain(Text(watch, "household")),
                    Plain(Text(watch, "building")),
                    Plain(Raw(watch, "floor")),
                    Plain(JoinOrNull(Residents(watch).Select(r => Text(r, "name") ?? "?").ToList())),
                    new Markup(check is { } c ? Paint(Text(c, "status")) : "[grey]none[/]"),
                    new Markup(task is { } taskStatus ? Paint(Text(taskStatus, "status")) : Escape(None)),
                    Plain(check is { } since ? Time(Text(since, "silentSince"), "yyyy-MM-dd HH:mm") : null),
                    new Markup(pending ? Until(Text(task!.Value, "deadline")) : Escape(None)),
                    EscalatedTo(task));
            }
            console.Write(table);
        }
        var count = Count(list, items);
        var open = items.Count(w => IsOpen(Property(w, "check")));
        var escalated = items.Count(w => IsOpen(Property(w, "check")) && Number(Property(Property(w, "check"), "task"), "missedDeadlines") > 0);
        var summary = $"[bold]{count}[/] {Plural(count, "watched household", "watched households")}";
        summary += open > 0 ? $", [yellow]{open} open {Plural(open, "check", "checks")}[/]" : ", no open checks";
        if (escalated > 0)
            summary += $", [red]{escalated} escalated[/]";
        console.MarkupLine(summary);
    }

    /// <summary>One watched household: when it was last heard from, who lives there and how to reach them, and its check.</summary>
    public void Welfare(JsonElement watch)
    {
        var household = Text(watch, "household") ?? "?";
        var place = new List<string>();
        if (Text(watch, "building") is { } building)
            place.Add($"building {building}");
        if (Raw(watch, "floor") is { } floor)
            place.Add($"floor {floor}");
        console.MarkupLine($"[bold]household/{Escape(household)}[/]  {Escape(string.Join(" · ", place))}  " +
            (Bool(watch, "watching") ? "[blue]watched[/]" : "[grey]no longer watched (no resident is flagged vulnerable)[/]"));
        if (Text(watch, "lastActivityAt") is { } lastAt)
            console.MarkupLine($"last activity: {Escape(Text(watch, "lastActivity") ?? "?")} at {Escape(Time(lastAt))}{Escape(Age(lastAt))}");

        var residents = Residents(watch);
        if (residents.Count > 0)
        {
            var table = NewTable("Resident", "Phone", "Vulnerability");
            foreach (var resident in residents)
                table.AddRow(
                    new Markup($"[bold]{Escape(Text(resident, "name") ?? "?")}[/]"),
                    Plain(Text(resident, "phone")),
                    Plain(JoinOrNull(Strings(resident, "vulnerability"))?.Replace('_', ' ')));
            console.Write(table);
        }

        if (Property(watch, "check") is not { } check)
        {
            console.MarkupLine("[green]no welfare check has been needed[/]");
            return;
        }
        console.WriteLine();
        var checks = (int)(Number(watch, "checksOpened") ?? 1);
        console.MarkupLine(
            $"welfare check [bold]{Escape(Text(check, "id") ?? "?")}[/] {Paint(Text(check, "status"))}  " +
            $"[grey]{Escape($"silent since {Time(Text(check, "silentSince"))} (last: {Text(check, "lastActivity") ?? "?"}) · opened {Time(Text(check, "openedAt"))}{Age(Text(check, "openedAt"))} · {checks} {Plural(checks, "check", "checks")} so far")}[/]");
        if (Property(check, "task") is { } task)
        {
            var status = Text(task, "status");
            var table = NewTable("Task", "Party", "Status", "Deadline", "Acknowledged", "Done", "Escalated to");
            table.AddRow(
                Plain(Text(task, "title")),
                Plain(Party(task)),
                new Markup(Paint(status)),
                new Markup(status == "pending" && IsOpen(check) ? Until(Text(task, "deadline")) : Escape(Time(Text(task, "deadline"), "HH:mm:ss"))),
                Plain(Step(Text(task, "acknowledgedAt"), Text(task, "acknowledgedBy"))),
                Plain(Step(Text(task, "doneAt"), Text(task, "doneBy"))),
                EscalatedTo(task));
            console.Write(table);
        }
        if (Text(check, "closedAt") is { } closedAt)
            console.MarkupLine($"[green]closed[/] {Escape($"{Time(closedAt)} by {Text(check, "closedBy") ?? "?"}: {Text(check, "closedHow") ?? ""}")}");
        else if (Property(check, "task") is { } openTask && Text(openTask, "status") == "pending")
            console.MarkupLine($"[grey]{Escape($"on the way: twin welfare ack {household} · after the visit: twin welfare complete {household} --note text")}[/]");
        else
            console.MarkupLine($"[grey]{Escape($"after the visit: twin welfare complete {household} --note text")}[/]");
        TimelineOf(check, $"welfare/{household}", "welfare watch");
    }

    /// <summary>The last steps of an incident's, a feedback's or a check's timeline, naming <paramref name="self"/> by <paramref name="selfName"/>.</summary>
    void TimelineOf(JsonElement subject, string self, string selfName, string timeFormat = "MM-dd HH:mm:ss")
    {
        if (Property(subject, "timeline") is not { ValueKind: JsonValueKind.Array } timeline || timeline.GetArrayLength() == 0)
            return;
        var steps = timeline.EnumerateArray().ToList();
        var shown = steps.TakeLast(TimelineLines).ToList();
        console.MarkupLine(shown.Count < steps.Count
            ? $"[bold]Timeline[/] [grey](the last {shown.Count} of {steps.Count}; --json for all)[/]"
            : "[bold]Timeline[/]");
        var whoWidth = shown.Max(s => Who(s).Length);
        foreach (var step in shown)
            console.MarkupLine($"  [grey]{Escape(Time(Text(step, "at"), timeFormat))}[/]  {Escape(Who(step).PadRight(whoWidth))}  {Escape(Text(step, "what") ?? "")}");

        string Who(JsonElement step) => Text(step, "who") is { } who && who != self ? who : selfName;
    }

    /// <summary>Where a piece of feedback stands with the staff: the deadline while open, else who answered or the work order.</summary>
    string Response(JsonElement feedback)
    {
        var escalated = Strings(feedback, "escalatedTo") is { Count: > 0 } to ? $" [red]→ {Escape(string.Join(" → ", to))}[/]" : "";
        return Text(feedback, "status") switch
        {
            "open" => $"due {Until(Text(feedback, "respondBy"))}{escalated}",
            "answered" => Escape($"answered by {Text(feedback, "respondedBy") ?? "?"}"),
            _ when Text(feedback, "workOrder") is { } workOrder => $"{Escape(workOrder)} {Paint(Text(feedback, "workOrderStatus"))}",
            _ => Escape(None),
        };
    }

    static string FeedbackStatus(string? status) => status switch
    {
        "answered" => Paint("done", "answered"),
        "in_work" => Paint("in_progress", "in_work"),
        _ => Paint(status),
    };

    static string Stars(JsonElement rating)
    {
        var stars = Math.Clamp((int)(Number(rating, "stars") ?? 0), 0, 5);
        return $"{new string('★', stars)}{new string('☆', 5 - stars)} {stars}/5";
    }

    static string Audience(JsonElement item) => Text(item, "building") is { } building ? $"building {building}" : "the whole community";

    static int[] VoteCounts(JsonElement poll, int options)
    {
        var counts = new int[options];
        if (Property(poll, "counts") is { ValueKind: JsonValueKind.Array } array)
            foreach (var (count, i) in array.EnumerateArray().Select((c, i) => (c, i)).Where(x => x.i < options))
                counts[i] = count.ValueKind == JsonValueKind.Number && count.TryGetInt32(out var value) ? value : 0;
        return counts;
    }

    static string Turnout(JsonElement poll) => $"{Raw(poll, "votes") ?? "0"} of {Raw(poll, "eligible") ?? "?"}";

    static string Leading(JsonElement poll)
    {
        var options = Strings(poll, "options") ?? [];
        var counts = VoteCounts(poll, options.Count);
        var top = counts.DefaultIfEmpty(0).Max();
        if (top == 0)
            return None;
        var leaders = options.Where((_, i) => counts[i] == top).ToList();
        return leaders.Count == 1 ? $"{leaders[0]} ({top})" : $"tie: {string.Join(", ", leaders)} ({top} each)";
    }

    static List<JsonElement> Residents(JsonElement watch) =>
        Property(watch, "residents") is { ValueKind: JsonValueKind.Array } residents ? [.. residents.EnumerateArray()] : [];

    static bool IsOpen(JsonElement? check) => check is { } c && Text(c, "status") == "open";

    static IRenderable EscalatedTo(JsonElement? task) =>
        task is { } t && Strings(t, "escalatedTo") is { Count: > 0 } to
            ? new Markup($"[red]{Escape(string.Join(" → ", to))}[/]")
            : Plain(null);

    /// <summary>
    /// A deadline or closing time with how long is left or, in red, how long ago it passed. Unlike an incident's minutes,
    /// these run for hours or days, so the date shows when it is not today.
    /// </summary>
    string Until(string? timestamp)
    {
        if (timestamp is null || !DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return Escape(timestamp ?? None);
        var now = clock.GetUtcNow();
        var local = at.ToLocalTime();
        var time = Escape(local.ToString(local.Date == now.ToLocalTime().Date ? "HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        var left = at - now;
        return left >= TimeSpan.Zero
            ? $"{time} [grey](in {Escape(Span(left))})[/]"
            : $"[red]{time} (overdue {Escape(Span(-left))})[/]";
    }

    /// <summary>A span as people say it: 45s, 12m, 5h 12m, 2d 3h.</summary>
    static string Span(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => $"{span.Seconds}s",
        { TotalHours: < 1 } => $"{span.Minutes}m",
        { TotalDays: < 1 } => span.Minutes == 0 ? $"{span.Hours}h" : $"{span.Hours}h {span.Minutes}m",
        _ => span.Hours == 0 ? $"{span.Days}d" : $"{span.Days}d {span.Hours}h",
    };

    bool IsPast(string? timestamp) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && at < clock.GetUtcNow();
}
