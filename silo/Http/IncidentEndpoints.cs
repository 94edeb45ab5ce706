using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Incidents;
using Twin.Silo.Security;
using Twin.Silo.Topology;
using Twin.Twins;

namespace Twin.Silo.Http;

public static class IncidentEndpoints
{
    public static RouteGroupBuilder MapIncidents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents");
        group.MapPost("/", Raise).WithSummary("Raise an incident by hand: {type, building or twin, description, drill}").RequireAccess("incidents.raise");
        group.MapGet("/", List).WithSummary("Incidents, newest first; status=active|closed").RequireAccess("incidents.list");
        group.MapGet("/{id}", Get).WithSummary("One incident with its tasks, households and timeline").RequireAccess("incidents.get");
        group.MapPost("/{id}/tasks/{taskId}/ack", (string id, string taskId, HttpContext http, IGrainFactory grains) => TaskStep(id, taskId, "ack", http, grains))
            .WithSummary("The task's party acknowledges it").RequireAccess("incidents.task");
        group.MapPost("/{id}/tasks/{taskId}/complete", (string id, string taskId, HttpContext http, IGrainFactory grains) => TaskStep(id, taskId, "complete", http, grains))
            .WithSummary("The task's party completes it").RequireAccess("incidents.task");
        group.MapPost("/{id}/households/{household}", Account).WithSummary("Mark a household safe or needing help").RequireAccess("incidents.household");
        group.MapPost("/{id}/close", Close).WithSummary("A coordinator closes the incident; device modes are restored").RequireAccess("incidents.close");
        group.MapGet("/{id}/report", Report).WithSummary("After-action report: JSON, or a printable page with ?format=html or Accept: text/html").RequireAccess("incidents.report");
        return group;
    }

    static async Task<Results<Created<IncidentView>, Ok<IncidentView>, ProblemHttpResult>> Raise(RaiseRequest request, HttpContext http, IGrainFactory grains, Provisioner provisioner)
    {
        var party = http.RequireParty();
        if (request.Type is null || !IncidentTypes.All.Contains(request.Type))
            return Problems.BadRequest($"\"type\" must be one of {string.Join(", ", IncidentTypes.All)}.");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        if (request.Description is not { Length: > 0 and <= 512 })
            return Problems.BadRequest("\"description\" is needed (at most 512 characters): what is happening, where.");
        string? building = request.Building, twin = null;
        if (request.Twin is { } address)
        {
            if (!TwinId.TryParse(address, out var twinId))
                return Problems.BadRequest($"\"twin\" must be a twin address such as household/B1-1-0501, not '{address}'.");
            var view = await grains.GetTwin(twinId).GetView(false);
            if (view is null)
                return Problems.BadRequest($"No {twinId.Kind} '{twinId.Id}' is provisioned.");
            twin = twinId.ToString();
            building ??= view.Kind == TwinKinds.Building ? view.Id : view.Building ?? view.Covers.FirstOrDefault();
        }
        if (building is null)
            return Problems.BadRequest("Say where: \"building\" (e.g. \"B1\") or \"twin\" (e.g. \"household/B1-1-0501\").");
        if (!TwinId.IsValidId(building) || await grains.GetBuilding(building).GetView(false) is null)
            return Problems.BadRequest($"No building '{building}' is provisioned.");

        var raised = await grains.GetIncidentDesk(community).Raise(new IncidentTrigger(community, request.Type, building, twin, request.Description, party.Id, request.Drill == true));
        var incident = Shown(party, (await grains.GetIncident(raised.Id).GetView())!);
        return raised.Attached ? TypedResults.Ok(incident) : TypedResults.Created($"/api/incidents/{raised.Id}", incident);
    }

    static async Task<Results<Ok<IncidentList>, ProblemHttpResult>> List(string? status, HttpContext http, IGrainFactory grains, Provisioner provisioner)
    {
        if (status is not (null or "active" or "closed"))
            return Problems.BadRequest($"There is no incident status '{status}'. Statuses: active, closed.");
        if (provisioner.Community is not { } community)
            return Problems.Unavailable("No topology is loaded yet.");
        var party = http.RequireParty();
        var items = (await grains.GetIncidentDesk(community).List(status)).Select(i => Shown(party, i)).ToImmutableArray();
        return TypedResults.Ok(new IncidentList(items.Length, items));
    }

    static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> Get(string id, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid incident id.");
        var view = await grains.GetIncident(id).GetView();
        return view is null ? Problems.NotFound($"No incident '{id}'.") : TypedResults.Ok(Shown(http.RequireParty(), view));
    }

    /// <summary>Roles with a care purpose see which households need assisted evacuation; the others do not.</summary>
    static readonly string[] CareRoles = [Party.AdminRole, "committee", "grid", "fire", "medical"];

    static IncidentView Shown(Party party, IncidentView incident) => CareRoles.Contains(party.Role) ? incident : incident.WithoutPersonalData();

    static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> TaskStep(string id, string taskId, string action, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id) || !TwinId.IsValidId(taskId))
            return Problems.BadRequest("Incident and task ids match " + TwinId.IdPattern + ".");
        var party = http.RequireParty();
        return ToResult(party, await grains.GetIncident(id).TaskStep(taskId, action, party.Id, party.Role));
    }

    static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> Account(string id, string household, AccountRequest request, HttpContext http, IGrainFactory grains)
    {
        var party = http.RequireParty();
        if (!TwinId.IsValidId(id) || !TwinId.IsValidId(household))
            return Problems.BadRequest("Incident and household ids match " + TwinId.IdPattern + ".");
        if (request.Status is not (HouseholdStatuses.Safe or HouseholdStatuses.NeedHelp))
            return Problems.BadRequest("\"status\" must be safe or need_help.");
        return ToResult(party, await grains.GetIncident(id).Account(household, request.Status, party.Id));
    }

    static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> Close(string id, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid incident id.");
        var party = http.RequireParty();
        return ToResult(party, await grains.GetIncident(id).Close(party.Id, party.Role));
    }

    static async Task<IResult> Report(string id, string? format, HttpContext http, IGrainFactory grains)
    {
        if (!TwinId.IsValidId(id))
            return Problems.BadRequest($"'{id}' is not a valid incident id.");
        var report = await grains.GetIncident(id).GetReport();
        if (report is null)
            return Problems.NotFound($"No incident '{id}'.");
        var wantsHtml = format == "html" || (format is null && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal));
        return wantsHtml ? TypedResults.Content(IncidentReportPage.Render(report), "text/html; charset=utf-8") : TypedResults.Ok(report);
    }

    static Results<Ok<IncidentView>, ProblemHttpResult> ToResult(Party party, IncidentOutcome outcome) =>
        outcome.Error is { } error ? Problems.Refused(error, outcome.NotFound, outcome.Forbidden) : TypedResults.Ok(Shown(party, outcome.Incident!));

    static string Sentence(string text) => Problems.Sentence(text);
}

public sealed record RaiseRequest(string? Type, string? Building, string? Twin, string? Description, bool? Drill);

public sealed record AccountRequest(string? Status);

public sealed record IncidentList(int Count, ImmutableArray<IncidentView> Items);

/// <summary>The after-action report as a page to print and file.</summary>
static class IncidentReportPage
{
    const string Style = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:60em}h1{font-size:1.4em}"
        + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #999;padding:.25em .6em;text-align:left;vertical-align:top}"
        + "th{background:#eee}.bad{color:#b00;font-weight:600}@media print{body{margin:0}}";

    public static string Render(IncidentReport r)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        static string Seconds(double? s) => s is { } v ? TimeSpan.FromSeconds(Math.Round(v)).ToString(v >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "—";
        var closed = r.ClosedAt is { } c ? c.ToString("u", CultureInfo.InvariantCulture) : "still active";
        var html = new StringBuilder();
        html.Append($$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Incident {{E(r.Id)}} — after-action report</title>
            <style>{{Style}}</style></head><body>
            <h1>After-action report: {{E(r.Type.Replace('_', ' '))}} {{(r.Drill ? "drill" : "incident")}} {{E(r.Id)}}</h1>
            <p>{{E(r.Description)}}</p>
            <table><tr><th>Building</th><td>{{E(r.Building)}}</td></tr>
            <tr><th>Opened</th><td>{{r.OpenedAt:u}}</td></tr><tr><th>Closed</th><td>{{closed}}</td></tr>
            <tr><th>Duration</th><td>{{Seconds(r.DurationSeconds)}}</td></tr><tr><th>Triggers</th><td>{{r.Triggers}}</td></tr>
            <tr><th>Every household accounted for after</th><td>{{Seconds(r.SecondsUntilAllHouseholdsAccounted)}}</td></tr></table>
            <h2>Time to first acknowledgement</h2><table><tr><th>Party</th><th>First ack after</th></tr>
            """);
        foreach (var (role, seconds) in r.SecondsToFirstAckByRole.OrderBy(kv => kv.Value))
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(role)}</td><td>{Seconds(seconds)}</td></tr>");
        foreach (var role in r.RolesThatNeverAcknowledged)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(role)}</td><td class=bad>never</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"</table><h2>Households</h2><p>{r.Households.Total} in all: {r.Households.Safe} safe, {r.Households.NeedHelp} needed help, ");
        html.Append(CultureInfo.InvariantCulture, $"<span class=\"{(r.Households.Unaccounted > 0 ? "bad" : "")}\">{r.Households.Unaccounted} never accounted for</span>.</p>");
        if (!r.HouseholdsNeverAccounted.IsEmpty)
            html.Append(CultureInfo.InvariantCulture, $"<p class=bad>Never accounted for: {E(string.Join(", ", r.HouseholdsNeverAccounted))}</p>");
        html.Append("<h2>Missed deadlines and escalations</h2><table><tr><th>Task</th><th>Party</th><th>Missed</th><th>Escalated to</th></tr>");
        foreach (var m in r.MissedDeadlines)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(m.Task)}: {E(m.Title)}</td><td>{E(m.Role)}</td><td>{m.Times}</td><td>{E(string.Join(" → ", m.EscalatedTo))}</td></tr>");
        html.Append("</table><h2>Failed device actions</h2><table><tr><th>Device</th><th>Action</th><th>Why</th></tr>");
        foreach (var a in r.FailedDeviceActions)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(a.Twin)}</td><td>{E(a.Command)}</td><td>{E(a.Detail)}</td></tr>");
        html.Append("</table><h2>Timeline</h2><table><tr><th>When</th><th>Who</th><th>What</th></tr>");
        foreach (var t in r.Timeline)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{t.At:HH:mm:ss}</td><td>{E(t.Who)}</td><td>{E(t.What)}</td></tr>");
        html.Append("</table></body></html>");
        return html.ToString();
    }
}
