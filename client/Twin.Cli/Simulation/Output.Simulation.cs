using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Twin.Cli.Simulation;

namespace Twin.Cli;

/// <summary>What <c>twin simulate</c> shows: a header, a live progress line with notes above it, and a summary.</summary>
public sealed partial class Output
{
    static readonly TimeSpan LiveEvery = TimeSpan.FromSeconds(1);
    static readonly TimeSpan LoggedEvery = TimeSpan.FromSeconds(5);

    public void SimulationStarting(SimulationSettings settings, SimTopology topology, Simulator simulator)
    {
        if (Json)
            return;
        var devices = simulator.Devices;
        console.MarkupLine(
            $"simulating [bold]{devices.Count}[/] {Plural(devices.Count, "device", "devices")} of [bold]{Escape(topology.Community)}[/] " +
            $"({Escape(SimTopology.Describe(devices.Select(d => d.Spec)))}) → [bold]{Escape(settings.Broker.ToString())}[/] as {Escape(settings.ClientId)}");
        var until = (settings.Duration, settings.Count) switch
        {
            ({ } duration, { } count) => $"for {duration.TotalSeconds:0.#} s or {count:N0} messages",
            ({ } duration, null) => $"for {duration.TotalSeconds:0.#} s",
            (null, { } count) => $"for {count:N0} messages",
            _ => "until Ctrl+C",
        };
        console.MarkupLine(Escape(
            $"scenario {SimulationSettings.ScenarioName(settings.Scenario)} · clock {settings.Clock:HH:mm} · " +
            $"{settings.Rate.ToString("0.##", CultureInfo.InvariantCulture)} msg/s · {until}"));
        if (simulator.Fire is { } fire)
            console.MarkupLine(Escape(
                $"fire after {settings.FireAfter.TotalSeconds:0.#} s: camera {fire.Camera.Id} and household {fire.Alarm.Id} in {fire.Building}; " +
                $"{fire.Households.Count} {Plural(fire.Households.Count, "household", "households")} there will check in"));
    }

    /// <summary>
    /// Shows the run's progress until <paramref name="run"/> ends: on a terminal one line redrawn every second, otherwise
    /// a line every few seconds; notes (scenario steps, faults) get lines of their own. Nothing under <c>--json</c>.
    /// </summary>
    public async Task FollowSimulation(SimulationStats stats, Task run)
    {
        if (Json)
            return;
        var live = console.Profile.Out.IsTerminal;
        var shown = stats.Snapshot();
        // The rate is taken over the last few seconds, so one late timer does not make it jump.
        var recent = new Queue<SimulationSnapshot>([shown]);
        var lastLine = 0;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(LiveEvery));
            var now = stats.Snapshot();
            var notes = stats.TakeNotes();
            if (live && notes.Count > 0)
                Clear(ref lastLine);
            foreach (var note in notes)
                console.MarkupLine($"[grey]{Clock(note.At)}[/]  {Escape(note.Text)}");
            if (run.IsCompleted)
                break;
            if (!live && now.Elapsed - shown.Elapsed < LoggedEvery)
                continue;
            while (recent.Count > 1 && now.Elapsed - recent.Peek().Elapsed > LoggedEvery)
                recent.Dequeue();
            var line = ProgressLine(now, recent.Peek());
            recent.Enqueue(now);
            shown = now;
            if (live)
            {
                var width = Math.Max(20, console.Profile.Width - 1);
                var text = line.Length <= width ? line : line[..width];
                raw.Write('\r');
                console.Markup(Escape(text));
                raw.Write(new string(' ', Math.Max(0, lastLine - text.Length)));
                lastLine = text.Length;
            }
            else
                console.MarkupLine(Escape(line));
        }
        if (live)
            Clear(ref lastLine);
        foreach (var note in stats.TakeNotes())
            console.MarkupLine($"[grey]{Clock(note.At)}[/]  {Escape(note.Text)}");
    }

    void Clear(ref int lastLine)
    {
        if (lastLine == 0)
            return;
        raw.Write('\r');
        raw.Write(new string(' ', lastLine));
        raw.Write('\r');
        lastLine = 0;
    }

    static string ProgressLine(SimulationSnapshot now, SimulationSnapshot before)
    {
        var seconds = (now.Elapsed - before.Elapsed).TotalSeconds;
        var rate = seconds > 0 ? (now.Sent - before.Sent) / seconds : 0;
        var parts = new List<string>
        {
            Clock(now.Elapsed),
            $"sent {now.Sent:N0}",
            $"acked {now.Acked:N0}",
            $"commands {now.CommandsReceived:N0} received, {now.CommandsAcked + now.CommandsRefused:N0} acked",
            $"{rate.ToString("0.0", CultureInfo.InvariantCulture)} msg/s",
            $"errors {now.Errors:N0}",
        };
        if (now.CheckInsSafe + now.CheckInsNeedHelp > 0)
            parts.Add($"check-ins {now.CheckInsSafe:N0} safe, {now.CheckInsNeedHelp:N0} need help");
        if (!now.Connected)
            parts.Add("reconnecting…");
        return string.Join("  ", parts);
    }

    public void SimulationSummary(SimulationSummary summary)
    {
        var counters = summary.Counters;
        var byKind = summary.Devices.GroupBy(d => d.Kind).ToDictionary(g => g.Key, g => g.Count());
        if (Json)
        {
            var json = new JsonObject
            {
                ["broker"] = summary.Settings.Broker.ToString(),
                ["clientId"] = summary.Settings.ClientId,
                ["topology"] = summary.Topology,
                ["community"] = summary.Community,
                ["scenario"] = SimulationSettings.ScenarioName(summary.Settings.Scenario),
                ["clock"] = summary.Settings.Clock.ToString("HH:mm", CultureInfo.InvariantCulture),
                ["devices"] = summary.Devices.Count,
                ["devicesByKind"] = new JsonObject([.. SimTopology.Kinds.Where(k => byKind.ContainsKey(k.Kind)).Select(k => KeyValuePair.Create(k.Kind, (JsonNode?)byKind[k.Kind]))]),
                ["firstSeq"] = summary.FirstSeq,
                ["seconds"] = Math.Round(counters.Elapsed.TotalSeconds, 3),
                ["stoppedBy"] = summary.StoppedBy,
                ["sent"] = counters.Sent,
                ["telemetry"] = counters.Telemetry,
                ["events"] = counters.Events,
                ["acked"] = counters.Acked,
                ["failed"] = counters.Failed,
                ["unacked"] = summary.Unacked,
                ["errors"] = counters.Errors,
                ["commandsReceived"] = counters.CommandsReceived,
                ["commandsAcked"] = counters.CommandsAcked,
                ["commandsRefused"] = counters.CommandsRefused,
                ["checkIns"] = new JsonObject { ["safe"] = counters.CheckInsSafe, ["needHelp"] = counters.CheckInsNeedHelp },
                ["ratePerSecond"] = Math.Round(summary.RatePerSecond, 2),
                ["reconnects"] = counters.Reconnects,
                ["lastError"] = counters.LastError,
                ["notes"] = new JsonArray([.. summary.Notes.Select(n => (JsonNode)new JsonObject { ["at"] = Math.Round(n.At.TotalSeconds, 3), ["text"] = n.Text })]),
            };
            raw.WriteLine(json.ToJsonString(OneLineOptions));
            return;
        }

        var stopped = summary.StoppedBy switch
        {
            "count" => $"after {summary.Settings.Count:N0} messages",
            "duration" => $"after {summary.Settings.Duration?.TotalSeconds:0.#} s",
            _ => "by Ctrl+C",
        };
        var table = NewTable("Simulation", "");
        table.AddRow(Plain("ran for"), Plain($"{Clock(counters.Elapsed)}, stopped {stopped}"));
        table.AddRow(Plain("devices"), Plain($"{summary.Devices.Count:N0} ({SimTopology.Describe(summary.Devices.Select(d => d.Spec))})"));
        table.AddRow(Plain("messages sent"), Plain($"{counters.Sent:N0} ({counters.Telemetry:N0} telemetry, {counters.Events:N0} events)"));
        table.AddRow(Plain("acked by the broker"), new Markup(Count(counters.Acked, counters.Acked == counters.Sent ? "green" : null)));
        if (summary.Unacked > 0)
            table.AddRow(Plain("not acked at exit"), new Markup(Count(summary.Unacked, "yellow")));
        table.AddRow(Plain("failed"), new Markup(Count(counters.Failed, counters.Failed > 0 ? "red" : null)));
        table.AddRow(Plain("commands received"), Plain($"{counters.CommandsReceived:N0}"));
        table.AddRow(Plain("commands acked"), Plain($"{counters.CommandsAcked:N0} ok, {counters.CommandsRefused:N0} refused"));
        if (counters.CheckInsSafe + counters.CheckInsNeedHelp > 0)
            table.AddRow(Plain("check-ins"), Plain($"{counters.CheckInsSafe:N0} safe, {counters.CheckInsNeedHelp:N0} need help"));
        table.AddRow(Plain("average rate"), Plain($"{summary.RatePerSecond.ToString("0.0", CultureInfo.InvariantCulture)} msg/s"));
        if (counters.Reconnects > 0)
            table.AddRow(Plain("reconnects"), Plain($"{counters.Reconnects:N0}"));
        if (counters.Errors > 0)
            table.AddRow(Plain("errors"), new Markup($"[red]{counters.Errors:N0}[/]{(counters.LastError is { } last ? $", last: {Escape(last)}" : "")}"));
        console.Write(table);
    }

    static string Count(long value, string? colour) =>
        colour is null ? value.ToString("N0", CultureInfo.InvariantCulture) : $"[{colour}]{value.ToString("N0", CultureInfo.InvariantCulture)}[/]";

    static string Clock(TimeSpan elapsed)
    {
        var rounded = TimeSpan.FromSeconds(Math.Round(elapsed.TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"{(int)rounded.TotalHours:00}:{rounded.Minutes:00}:{rounded.Seconds:00}");
    }
}
