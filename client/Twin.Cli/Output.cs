using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Twin.Cli;

/// <summary>
/// Everything <c>twin</c> prints. With <c>--json</c> the API's JSON goes out unchanged, one document per line, for scripts;
/// otherwise people get tables and status colours. Errors always go to stderr as one <c>error: ...</c> line.
/// </summary>
public sealed partial class Output
{
    const string None = "—";
    const int UnwrappedWidth = 4096;

    readonly IAnsiConsole console;
    readonly TextWriter error;
    readonly TextWriter raw;
    readonly TimeProvider clock;

    public Output(TextWriter output, TextWriter error, bool json, TimeProvider? clock = null)
    {
        console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        // Spectre wraps at 80 columns when it cannot ask a terminal; piped into a file or grep, one record must stay one line.
        if (!console.Profile.Out.IsTerminal)
            console.Profile.Width = UnwrappedWidth;
        raw = output;
        this.error = error;
        Json = json;
        this.clock = clock ?? TimeProvider.System;
    }

    public bool Json { get; }

    /// <summary>Prints <paramref name="value"/> as the API sent it under <c>--json</c>, else through <paramref name="forPeople"/>.</summary>
    public void Show(JsonElement value, Action<JsonElement> forPeople)
    {
        if (Json)
            raw.WriteLine(value.GetRawText());
        else
            forPeople(value);
    }

    public void Error(string message) => Stderr("error", "31", message);

    /// <summary>A note on stderr about something that does not stop the command.</summary>
    public void Warning(string message) => Stderr("warning", "33", message);

    void Stderr(string label, string ansiColour, string message)
    {
        var colour = error == Console.Error && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        error.WriteLine(colour ? $"\u001b[{ansiColour}m{label}:\u001b[0m {message}" : $"{label}: {message}");
    }

    public void Twin(JsonElement twin)
    {
        var updatedAt = Text(twin, "updatedAt");
        console.MarkupLine(
            $"[bold]{Escape(Address(twin))}[/]  {Paint(Text(twin, "status"))}  v{Escape(Raw(twin, "version") ?? "?")}  " +
            $"updated {Escape(Time(updatedAt))}{Escape(Age(updatedAt))}");

        var whereabouts = new List<string>();
        if (Text(twin, "community") is { } community)
            whereabouts.Add($"community {community}");
        if (Text(twin, "building") is { } building)
            whereabouts.Add($"building {building}");
        if (Strings(twin, "covers") is { Count: > 0 } covers)
            whereabouts.Add($"covers {string.Join(", ", covers)}");
        if (Raw(twin, "lastSeq") is { } lastSeq)
            whereabouts.Add($"last seq {lastSeq}");
        if (whereabouts.Count > 0)
            console.MarkupLine($"[grey]{Escape(string.Join(" · ", whereabouts))}[/]");

        console.WriteLine();
        ReportedTable(twin);
        RollupSection(twin);
        DesiredSection(twin);
        AlarmsSection(twin);
    }

    public void TwinList(JsonElement list)
    {
        var items = Items(list);
        if (items.Count > 0)
        {
            var table = NewTable("Id", "Kind", "Building", "Status", "Alarms", "Updated");
            foreach (var twin in items)
            {
                var alarms = Strings(twin, "alarms") ?? [];
                table.AddRow(
                    Plain(Text(twin, "id")),
                    Plain(Text(twin, "kind")),
                    Plain(Text(twin, "building") ?? JoinOrNull(Strings(twin, "covers"))),
                    new Markup(Paint(Text(twin, "status"))),
                    alarms.Count == 0 ? Plain(null) : new Markup($"[red]{Escape(string.Join(", ", alarms))}[/]"),
                    Plain(Time(Text(twin, "updatedAt"))));
            }
            console.Write(table);
        }
        console.MarkupLine($"[bold]{Count(list, items)}[/] {Plural(Count(list, items), "twin", "twins")}");
    }

    public void WorkOrders(JsonElement list)
    {
        var items = Items(list);
        if (items.Count > 0)
        {
            var table = NewTable("Id", "Twin", "Topic", "Status", "Assignee", "Updated", "Summary");
            foreach (var order in items)
            {
                table.AddRow(
                    Plain(Text(order, "id")),
                    Plain(Text(order, "twin")),
                    Plain(Text(order, "topic")),
                    new Markup(Paint(Text(order, "status"))),
                    Plain(Text(order, "assignee")),
                    Plain(Time(Text(order, "updatedAt"))),
                    Plain(Text(order, "summary")));
            }
            console.Write(table);
        }
        console.MarkupLine($"[bold]{Count(list, items)}[/] {Plural(Count(list, items), "work order", "work orders")}");
    }

    public void WorkOrder(JsonElement order)
    {
        var assignee = Text(order, "assignee") is { } who ? $" · assigned to {Escape(who)}" : "";
        console.MarkupLine($"[bold]{Escape(Text(order, "id") ?? "?")}[/]  {Paint(Text(order, "status"))}{assignee}");
        console.MarkupLine($"[grey]{Escape($"{Text(order, "twin") ?? None} · {Text(order, "topic") ?? None} · {Text(order, "summary") ?? ""}")}[/]");
        if (Property(order, "history") is { ValueKind: JsonValueKind.Array } history && history.GetArrayLength() > 0)
        {
            var last = history[history.GetArrayLength() - 1];
            var note = Text(last, "note") is { } text ? $": {text}" : "";
            console.MarkupLine(Escape($"{Time(Text(last, "at"))}  {Text(last, "action")} by {Text(last, "by") ?? "?"}{note}"));
        }
    }

    /// <summary>What <c>twin provision</c> added and changed, from the API's report.</summary>
    public void Provisioned(JsonElement report, string file)
    {
        var added = Strings(report, "added") ?? [];
        var changed = Strings(report, "changed") ?? [];
        var unchanged = Number(report, "unchanged") ?? 0;
        var parties = Number(report, "partiesAddedOrChanged") ?? 0;
        console.MarkupLine(
            $"provisioned [bold]{Escape(Path.GetFileName(file))}[/] into community [bold]{Escape(Text(report, "community") ?? "?")}[/]: " +
            $"[green]{added.Count} added[/] · [blue]{changed.Count} changed[/] · {unchanged:0} unchanged · {parties:0} {Plural((int)parties, "party", "parties")} added or changed");
        if (added.Count > 0)
            console.MarkupLine($"[green]added:[/]   {Escape(string.Join(", ", added))}");
        if (changed.Count > 0)
            console.MarkupLine($"[blue]changed:[/] {Escape(string.Join(", ", changed))}");
        if (added.Count == 0 && changed.Count == 0 && parties == 0)
            console.MarkupLine("[grey]nothing changed: every entity in the file was already provisioned as it is[/]");
    }

    public void CommandAccepted(JsonElement accepted)
    {
        var name = Escape(Text(accepted, "command") ?? "command");
        var status = Paint(Text(accepted, "status"));
        console.MarkupLine(Text(accepted, "id") is { } id
            ? $"{name} sent as [bold]{Escape(id)}[/]: {status}"
            : $"{name}: {status}");
    }

    /// <summary>One line per live event, so a long watch reads like a log.</summary>
    public void LiveEvent(LiveEvent live)
    {
        if (Json)
        {
            raw.WriteLine(live.Data.GetRawText());
            return;
        }

        var data = live.Data;
        var at = Time(Text(data, "updatedAt") ?? Text(data, "openedAt"), "HH:mm:ss") is { } time and not None
            ? time
            : clock.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var (address, summary) = live.Type switch
        {
            "twin" => (Address(data), TwinSummary(data)),
            "incident" => ($"incident/{Text(data, "id")}", $"{Text(data, "type")} in {Text(data, "building") ?? Text(data, "twin") ?? "?"}: {Text(data, "description")}"),
            _ => (live.Type, data.GetRawText()),
        };
        var status = Text(data, "status") ?? None;
        var prefix = $"{at}  {address,-22} {status,-8} ";
        var room = Math.Max(20, console.Profile.Width - prefix.Length - 1);
        console.MarkupLine($"[grey]{at}[/]  {Escape($"{address,-22}")} {Paint(status)}{new string(' ', Math.Max(0, 8 - status.Length))} {Escape(Compact(summary, room))}");
    }

    /// <summary>
    /// A new party token: the token alone on the first line (so <c>| head -1</c> gives it), then what to do with the party's
    /// line for the topology file. Under <c>--json</c>, <c>{"token": ..., "party": {...}}</c>.
    /// </summary>
    public void TokenCreated(string token, JsonObject party)
    {
        if (Json)
        {
            raw.WriteLine(new JsonObject { ["token"] = token, ["party"] = party.DeepClone() }.ToJsonString(OneLineOptions));
            return;
        }
        raw.WriteLine(token);
        console.MarkupLine("[yellow]Add this line to \"parties\" in community.json (the silo keeps only the SHA-256); the token above is shown only this once:[/]");
        raw.WriteLine(OneLine(party));
    }

    /// <summary>What <c>twin broker-config</c> wrote, and the mosquitto.conf lines that use it.</summary>
    public void BrokerConfigWritten(JsonObject summary)
    {
        if (Json)
        {
            raw.WriteLine(summary.ToJsonString(OneLineOptions));
            return;
        }
        var devices = summary["devices"]?.GetValue<int>() ?? 0;
        var silo = summary["siloUser"]?.GetValue<string>() ?? "?";
        var passwordFile = summary["passwordFile"]?.GetValue<string>() ?? "?";
        var aclFile = summary["aclFile"]?.GetValue<string>() ?? "?";
        console.MarkupLine($"[bold]{devices}[/] {Plural(devices, "device", "devices")} and the silo account [bold]{Escape(silo)}[/]");
        console.MarkupLine($"[green]wrote[/] {Escape(passwordFile)} [grey](mode 0600)[/]");
        console.MarkupLine($"[green]wrote[/] {Escape(aclFile)} [grey](mode 0600)[/]");
        if (summary["ignoredSecrets"] is JsonArray { Count: > 0 } ignored)
            console.MarkupLine($"[yellow]ignored secrets for usernames the topology does not have:[/] {Escape(string.Join(", ", ignored.Select(u => u?.GetValue<string>())))}");
        console.WriteLine();
        console.MarkupLine("[bold]mosquitto.conf:[/]");
        raw.WriteLine(summary["conf"]?.GetValue<string>());
        console.WriteLine();
        console.MarkupLine(Escape(
            $"mosquitto started as root reads these files as user mosquitto: chown mosquitto: {passwordFile} {aclFile}. " +
            "After a change, kill -HUP mosquitto to reload them."));
        console.MarkupLine(Escape(
            $"The silo connects with Twin__Mqtt__Host=<broker host> Twin__Mqtt__Username={silo} Twin__Mqtt__Password=<the silo password>."));
    }

    void ReportedTable(JsonElement twin)
    {
        if (Property(twin, "reported") is not { ValueKind: JsonValueKind.Object } reported || !reported.EnumerateObject().Any())
        {
            // A building reports nothing itself; its rollup follows instead.
            if (Property(twin, "rollup") is null)
                console.MarkupLine("[grey]nothing reported yet[/]");
            return;
        }
        var table = NewTable("Reported", "Value");
        foreach (var field in reported.EnumerateObject())
            table.AddRow(Plain(field.Name), Plain(Value(field.Value)));
        console.Write(table);
    }

    /// <summary>A building's aggregate of its members: counts by kind and status, households, alarms and incidents.</summary>
    void RollupSection(JsonElement twin)
    {
        if (Property(twin, "rollup") is not { ValueKind: JsonValueKind.Object } rollup)
            return;

        if (Property(rollup, "countsByKindAndStatus") is { ValueKind: JsonValueKind.Object } counts && counts.EnumerateObject().Any())
        {
            string[] statuses = ["ok", "warning", "alarm", "fault", "offline"];
            var table = NewTable(["Members", .. statuses]);
            foreach (var kind in counts.EnumerateObject())
            {
                var cells = statuses.Select(status => Property(kind.Value, status) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var count) && count > 0
                    ? new Markup(Paint(status, count.ToString(CultureInfo.InvariantCulture)))
                    : new Markup("[grey]0[/]"));
                table.AddRow(cells.Prepend<IRenderable>(Plain(kind.Name)));
            }
            console.Write(table);
        }
        console.MarkupLine(Escape(RollupSummary(rollup)));
    }

    static string RollupSummary(JsonElement rollup) =>
        $"households {Raw(rollup, "households") ?? "0"} ({Raw(rollup, "occupiedHouseholds") ?? "0"} occupied) · " +
        $"active alarms {Raw(rollup, "activeAlarms") ?? "0"} · active incidents {Raw(rollup, "activeIncidents") ?? "0"}";

    void DesiredSection(JsonElement twin)
    {
        if (Property(twin, "desired") is not { ValueKind: JsonValueKind.Object } desired)
            return;

        // "desired" holds the twin's settings (such as mode) side by side with the list of pending commands.
        foreach (var setting in desired.EnumerateObject().Where(p => p.Name != "pending"))
            console.MarkupLine($"desired {Escape(setting.Name)}: [bold]{Escape(Value(setting.Value))}[/]");

        if (Property(desired, "pending") is not { ValueKind: JsonValueKind.Array } pending || pending.GetArrayLength() == 0)
        {
            console.MarkupLine("[grey]no pending commands[/]");
            return;
        }
        var table = NewTable("Pending command", "Args", "Reason", "Issued", "Attempts", "Deadline", "Id");
        foreach (var command in pending.EnumerateArray())
        {
            table.AddRow(
                new Markup($"[yellow]{Escape(Text(command, "command") ?? "?")}[/]"),
                Plain(Arguments(command)),
                Plain(Text(command, "reason")),
                Plain(Time(Text(command, "issuedAt"))),
                Plain(Raw(command, "attempts")),
                Plain(Time(Text(command, "deadline"))),
                Plain(Text(command, "id")));
        }
        console.Write(table);
    }

    void AlarmsSection(JsonElement twin)
    {
        if (Property(twin, "alarms") is not { ValueKind: JsonValueKind.Array } alarms || alarms.GetArrayLength() == 0)
        {
            console.MarkupLine("[green]no active alarms[/]");
            return;
        }
        var table = NewTable("Alarm", "Level", "Message", "Since");
        foreach (var alarm in alarms.EnumerateArray())
        {
            table.AddRow(
                Plain(Text(alarm, "code")),
                new Markup(Paint(Text(alarm, "level"))),
                Plain(Text(alarm, "message")),
                Plain(Time(Text(alarm, "since"))));
        }
        console.Write(table);
    }

    static string TwinSummary(JsonElement twin)
    {
        var parts = new List<string>();
        if (Property(twin, "reported") is { ValueKind: JsonValueKind.Object } reported)
            parts.AddRange(reported.EnumerateObject().Select(field => $"{field.Name}={Value(field.Value)}"));
        if (Property(twin, "rollup") is { ValueKind: JsonValueKind.Object } rollup)
            parts.Add(RollupSummary(rollup));
        if (Property(Property(twin, "desired"), "pending") is { ValueKind: JsonValueKind.Array } pending && pending.GetArrayLength() > 0)
            parts.Add($"pending: {string.Join(", ", pending.EnumerateArray().Select(p => Text(p, "command") ?? "?"))}");
        // The stream carries full twins, whose alarms are objects; summaries elsewhere carry just the codes.
        if (Property(twin, "alarms") is { ValueKind: JsonValueKind.Array } alarms && alarms.GetArrayLength() > 0)
            parts.Add($"alarms: {string.Join(", ", alarms.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() : Text(a, "code") ?? "?"))}");
        return string.Join(" ", parts);
    }

    static Table NewTable(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey);
        foreach (var header in headers)
            table.AddColumn(new TableColumn($"[bold]{Escape(header)}[/]"));
        return table;
    }

    /// <summary>
    /// Colours <paramref name="text"/> (by default the status itself) by what a status word means, for twins, alarms,
    /// work orders, commands, incidents, their tasks and households alike.
    /// </summary>
    static string Paint(string? status, string? text = null)
    {
        var colour = status switch
        {
            "ok" or "done" or "confirmed" or "closed" or "safe" => "green",
            "warning" or "pending" or "open" or "unaccounted" => "yellow",
            "alarm" or "active" or "failed" or "rejected" or "need_help" => "red",
            "fault" => "magenta",
            "offline" => "grey",
            "assigned" or "acknowledged" => "blue",
            "in_progress" => "cyan",
            _ => null,
        };
        var shown = Escape(text ?? status ?? None);
        return colour is null ? shown : $"[{colour}]{shown}[/]";
    }

    static string Address(JsonElement twin) => $"{Text(twin, "kind") ?? "?"}/{Text(twin, "id") ?? "?"}";

    static string Arguments(JsonElement command) =>
        Property(command, "args") is { ValueKind: JsonValueKind.Object } args
            ? string.Join(" ", args.EnumerateObject().Select(a => $"{a.Name}={Value(a.Value)}"))
            : "";

    static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => None,
        _ => value.GetRawText(),
    };

    static string Time(string? timestamp, string format = "yyyy-MM-dd HH:mm:ss") =>
        timestamp is null ? None
        : DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at.ToLocalTime().ToString(format, CultureInfo.InvariantCulture)
        : timestamp;

    string Age(string? timestamp)
    {
        if (timestamp is null || !DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return "";
        var age = clock.GetUtcNow() - at;
        return age switch
        {
            { TotalSeconds: < 0 } => "",
            { TotalMinutes: < 1 } => $" ({age.TotalSeconds:0}s ago)",
            { TotalHours: < 1 } => $" ({age.TotalMinutes:0}m ago)",
            { TotalDays: < 2 } => $" ({age.TotalHours:0}h ago)",
            _ => $" ({age.TotalDays:0}d ago)",
        };
    }

    static List<JsonElement> Items(JsonElement list) =>
        Property(list, "items") is { ValueKind: JsonValueKind.Array } items ? [.. items.EnumerateArray()] : [];

    static int Count(JsonElement list, List<JsonElement> items) =>
        Property(list, "count") is { ValueKind: JsonValueKind.Number } count && count.TryGetInt32(out var value) ? value : items.Count;

    static string Plural(int count, string one, string many) => count == 1 ? one : many;

    /// <summary>A property of an object, or null when it is missing or <paramref name="element"/> is no object: the API may add and omit fields.</summary>
    static JsonElement? Property(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(name, out var value) ? value : null;

    static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    static double? Number(JsonElement? element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : null;

    static bool Bool(JsonElement element, string name) => Property(element, name) is { ValueKind: JsonValueKind.True };

    static string? Raw(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } value ? Value(value) : null;

    static List<string>? Strings(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Array } value
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : null;

    static string? JoinOrNull(List<string>? values) => values is { Count: > 0 } ? string.Join(", ", values) : null;

    static string Compact(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    /// <summary>JSON for people to paste into a file: non-ASCII names stay readable (still valid JSON).</summary>
    static readonly JsonSerializerOptions OneLineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One line in the sample topology's style: <c>{"id": "fire", "buildings": ["B1", "B2"]}</c>.</summary>
    static string OneLine(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(", ", obj.Select(p => $"{JsonSerializer.Serialize(p.Key, OneLineOptions)}: {OneLine(p.Value)}")) + "}",
        JsonArray array => "[" + string.Join(", ", array.Select(OneLine)) + "]",
        null => "null",
        _ => node.ToJsonString(OneLineOptions),
    };

    static Text Plain(string? text) => new(text ?? None);

    static string Escape(string text) => Markup.Escape(text);
}
