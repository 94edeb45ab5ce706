using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin incident</c>: raise an incident (or a drill), follow it, acknowledge and complete the tasks it gives the
/// parties, close it and get its after-action report.
/// </summary>
public static partial class IncidentCommand
{
    public static readonly IReadOnlyList<string> Types = ["fire", "medical", "gas_leak", "intrusion", "flood", "power_outage"];

    /// <summary>How long <c>raise</c> waits for the playbook's device actions before it prints what it has.</summary>
    static readonly TimeSpan PlaybookWait = TimeSpan.FromSeconds(3);
    static readonly TimeSpan PlaybookPoll = TimeSpan.FromMilliseconds(100);

    public static Command Create(CommonOptions common) =>
        new("incident", "Raise incidents and drills, follow them, acknowledge and complete their tasks, close them and get the after-action report")
        {
            Raise(common),
            List(common),
            Show(common),
            TaskStep(common, "ack", "Acknowledge a task: the party has seen it and is on it", (api, id, task, ct) => api.AcknowledgeIncidentTask(id, task, ct)),
            TaskStep(common, "complete", "Complete a task (acknowledging it too, if it was not yet)", (api, id, task, ct) => api.CompleteIncidentTask(id, task, ct)),
            Close(common),
            Report(common),
        };

    static Command Raise(CommonOptions common)
    {
        var type = new Option<string>("--type") { Description = $"What is happening: {string.Join(", ", Types)}", HelpName = "type", Required = true };
        type.AcceptOnlyFromAmong([.. Types]);
        var building = new Option<string?>("--building") { Description = "Where: the building, e.g. B1", HelpName = "building" };
        var twin = new Option<string?>("--twin") { Description = "Where: the twin it is about, e.g. household/B1-1-0501 (its building is the place)", HelpName = "kind/id" };
        var description = new Option<string>("--description")
        {
            Description = "What is happening and where, for everyone who gets a task (at most 512 characters)",
            HelpName = "text",
            Required = true,
        };
        var drill = new Option<bool>("--drill") { Description = "A drill: the playbook runs in full, marked as a drill; it never merges with a real incident" };
        var command = new Command("raise",
            "Raise an incident by hand: the type's playbook gives the parties their tasks and runs the device actions. " +
            "Another one of the same type at the same place joins the active incident instead")
        {
            type, building, twin, description, drill,
        };
        command.Validators.Add(result =>
        {
            var twinAddress = Given(result.GetValue(twin));
            if ((Given(result.GetValue(building)) is not null) == (twinAddress is not null))
                result.AddError("Say where with exactly one of --building (e.g. B1) or --twin (e.g. household/B1-1-0501).");
            else if (twinAddress is not null && !TwinAddressRegex().IsMatch(twinAddress))
                result.AddError($"--twin expects kind/id, e.g. household/B1-1-0501, not '{twinAddress}'.");
            if (result.GetValue(description) is { } text && (string.IsNullOrWhiteSpace(text) || text.Length > 512))
                result.AddError("--description must say what is happening, in at most 512 characters.");
        });

        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var (incident, created) = await api.RaiseIncident(
                parse.GetRequiredValue(type), Given(parse.GetValue(building)), Given(parse.GetValue(twin)), parse.GetRequiredValue(description).Trim(),
                parse.GetValue(drill), cancellationToken);
            if (created)
                incident = await AfterPlaybook(api, incident, cancellationToken);
            output.Show(incident, raised => output.IncidentRaised(raised, created));
        });
        return command;
    }

    /// <summary>
    /// The incident once its playbook has run. The silo answers a raise as soon as the incident is opened and runs the
    /// device actions as the incident's next step, so the answer may not list them yet; opening is the incident's first
    /// change (version 1) and the playbook its second.
    /// </summary>
    static async Task<JsonElement> AfterPlaybook(TwinApiClient api, JsonElement incident, CancellationToken cancellationToken)
    {
        var id = incident.TryGetProperty("id", out var value) ? value.GetString() : null;
        var deadline = DateTimeOffset.UtcNow + PlaybookWait;
        while (id is not null && !PlaybookRan(incident) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(PlaybookPoll, cancellationToken);
            incident = await api.GetIncident(id, cancellationToken);
        }
        return incident;
    }

    static bool PlaybookRan(JsonElement incident) =>
        (incident.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.Number && version.GetInt64() >= 2)
        || (incident.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array && actions.GetArrayLength() > 0);

    static Command List(CommonOptions common)
    {
        var status = new Option<string?>("--status") { Description = "Only active or only closed incidents", HelpName = "status" };
        status.AcceptOnlyFromAmong("active", "closed");
        var command = new Command("list", "List incidents, newest first, with their tasks' and households' progress") { status };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.ListIncidents(parse.GetValue(status), cancellationToken), output.Incidents));
        return command;
    }

    static Command Show(CommonOptions common)
    {
        var id = IncidentId();
        var command = new Command("show",
            $"Show one incident: its tasks (acknowledged, done, escalated), households safe / need help / unaccounted, device actions and the last {Output.TimelineLines} timeline steps")
        {
            id,
        };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.GetIncident(parse.GetRequiredValue(id), cancellationToken), output.Incident));
        return command;
    }

    delegate Task<JsonElement> TaskCall(TwinApiClient api, string incidentId, string taskId, CancellationToken cancellationToken);

    static Command TaskStep(CommonOptions common, string name, string description, TaskCall call)
    {
        var id = IncidentId();
        var task = new Argument<string>("task") { Description = "Task id, e.g. t1 (twin incident show lists them)" };
        var command = new Command(name, description + ". A party may act on its own tasks and on those escalated to it; admin on any") { id, task };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var taskId = parse.GetRequiredValue(task);
            var incident = await call(api, parse.GetRequiredValue(id), taskId, cancellationToken);
            output.Show(incident, stepped => output.IncidentTaskStepped(stepped, taskId));
        });
        return command;
    }

    static Command Close(CommonOptions common)
    {
        var id = IncidentId();
        var command = new Command("close", "Close an incident (committee, property or admin): gates go back to normal, lamps to auto") { id };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.CloseIncident(parse.GetRequiredValue(id), cancellationToken), output.IncidentClosed));
        return command;
    }

    static Command Report(CommonOptions common)
    {
        var id = IncidentId();
        var html = new Option<string?>("--html")
        {
            Description = "Write the printable HTML report to this file instead ('-' for stdout)",
            HelpName = "file",
        };
        var command = new Command("report",
            "The after-action report: time to first acknowledgement per party, households never accounted for, missed deadlines, failed device actions")
        {
            id, html,
        };
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var incidentId = parse.GetRequiredValue(id);
            if (parse.GetValue(html) is not { } file)
            {
                output.Show(await api.GetIncidentReport(incidentId, cancellationToken), output.IncidentReport);
                return;
            }
            var path = file == "-" ? null : Path.GetFullPath(file);
            // Checked before asking the silo, so a typo in the path costs no request; the write below can still fail.
            if (path is not null && !Directory.Exists(Path.GetDirectoryName(path)))
                throw new UsageException($"cannot write the report to {path}: the directory {Path.GetDirectoryName(path)} does not exist.");
            var page = await api.GetIncidentReportPage(incidentId, cancellationToken);
            if (path is null)
            {
                output.Page(page);
                return;
            }
            try
            {
                await File.WriteAllTextAsync(path, page, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot write the report to {path}: {e.Message}");
            }
            output.IncidentReportPageWritten(incidentId, path, new FileInfo(path).Length);
        });
        return command;
    }

    static string? Given(string? option) => string.IsNullOrWhiteSpace(option) ? null : option.Trim();

    static Argument<string> IncidentId() => new("id") { Description = "Incident id, e.g. inc-20260314-1a2b3c4d (twin incident list shows them)" };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}/[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex TwinAddressRegex();
}
