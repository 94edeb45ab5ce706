using System.Collections.Immutable;
using System.Text.Json;

namespace Twin.Incidents;

public static class IncidentTypes
{
    public const string Fire = "fire";
    public const string GasLeak = "gas_leak";
    public const string Medical = "medical";
    public const string Intrusion = "intrusion";
    public const string Flood = "flood";
    public const string PowerOutage = "power_outage";

    public static readonly IReadOnlyList<string> All = [Fire, GasLeak, Medical, Intrusion, Flood, PowerOutage];
}

/// <summary>One party's job in an incident: who, what, and how long they have to acknowledge it.</summary>
[GenerateSerializer, Immutable, Alias("twin.playbook-task")]
public sealed record PlaybookTask(
    [property: Id(0)] string Role,
    [property: Id(1)] string Title,
    [property: Id(2)] TimeSpan AckWithin);

/// <summary>
/// What an incident of one type does: the parties it gives tasks, whom an unacknowledged task escalates to, and the
/// device actions it runs. Defaults are built in (<see cref="Playbooks.Defaults"/>); the topology file may override them.
/// </summary>
[GenerateSerializer, Immutable, Alias("twin.playbook")]
public sealed record Playbook(
    [property: Id(0)] string Type,
    [property: Id(1)] ImmutableList<PlaybookTask> Tasks,
    [property: Id(2)] ImmutableList<string> EscalateTo,
    [property: Id(3)] string? GatesTo,
    [property: Id(4)] bool LampsEmergency,
    [property: Id(5)] bool CamerasRecord,
    [property: Id(6)] bool HouseholdsCheckIn,
    [property: Id(7)] bool AssistVulnerable,
    [property: Id(8)] TimeSpan HouseholdAckWithin);

public static class Playbooks
{
    static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);
    static readonly ImmutableList<string> StreetOfficeThenAdmin = ["street-office", "admin"];

    public static readonly ImmutableDictionary<string, Playbook> Defaults = new[]
    {
        new Playbook(IncidentTypes.Fire,
            [new("fire", "Respond to the fire", Minute), new("property", "Open access for the fire service and guide it in", Minute),
             new("committee", "Account for the residents of the building", Minute)],
            StreetOfficeThenAdmin, GatesTo: "evacuation", LampsEmergency: true, CamerasRecord: true, HouseholdsCheckIn: true, AssistVulnerable: true, Minute * 5),
        new Playbook(IncidentTypes.GasLeak,
            [new("fire", "Respond to the gas leak", Minute), new("property", "Shut the gas supply to the building", Minute),
             new("committee", "Account for the residents of the building", Minute * 2)],
            StreetOfficeThenAdmin, GatesTo: "evacuation", LampsEmergency: false, CamerasRecord: true, HouseholdsCheckIn: true, AssistVulnerable: true, Minute * 5),
        new Playbook(IncidentTypes.Medical,
            [new("medical", "Send help to the patient", Minute), new("property", "Open the way for the ambulance", Minute * 2),
             new("grid", "Go to the household and stay with the patient", Minute * 2)],
            StreetOfficeThenAdmin, GatesTo: null, LampsEmergency: true, CamerasRecord: false, HouseholdsCheckIn: false, AssistVulnerable: false, Minute * 5),
        new Playbook(IncidentTypes.Intrusion,
            [new("police", "Respond to the intrusion", Minute), new("property", "Send security to the place", Minute)],
            StreetOfficeThenAdmin, GatesTo: "lockdown", LampsEmergency: true, CamerasRecord: true, HouseholdsCheckIn: false, AssistVulnerable: false, Minute * 5),
        new Playbook(IncidentTypes.Flood,
            [new("property", "Stop the water and start the pumps", Minute * 2), new("committee", "Warn and account for the residents", Minute * 5)],
            StreetOfficeThenAdmin, GatesTo: null, LampsEmergency: false, CamerasRecord: true, HouseholdsCheckIn: true, AssistVulnerable: true, Minute * 10),
        new Playbook(IncidentTypes.PowerOutage,
            [new("property", "Contact the power company and start backup power", Minute * 2),
             new("grid", "Check on the vulnerable residents of the building", Minute * 5)],
            StreetOfficeThenAdmin, GatesTo: null, LampsEmergency: false, CamerasRecord: false, HouseholdsCheckIn: false, AssistVulnerable: true, Minute * 10),
    }.ToImmutableDictionary(p => p.Type);

    /// <summary>
    /// Applies the topology's <c>playbooks</c> section: per type, <c>ackWithinSeconds</c> (every task),
    /// <c>escalateTo</c> (party ids, in order), <c>gatesTo</c>, <c>lampsEmergency</c>, <c>camerasRecord</c>,
    /// <c>householdsCheckIn</c>, <c>assistVulnerable</c>, <c>tasks</c> ([{role, title, ackWithinSeconds}]).
    /// </summary>
    public static ImmutableDictionary<string, Playbook> WithOverrides(IReadOnlyDictionary<string, JsonElement> overrides, out IReadOnlyList<string> problems)
    {
        var list = new List<string>();
        var result = Defaults;
        foreach (var (type, element) in overrides)
        {
            if (!result.TryGetValue(type, out var playbook))
            {
                list.Add($"\"playbooks.{type}\": no incident type '{type}' (types: {string.Join(", ", IncidentTypes.All)})");
                continue;
            }
            if (element.ValueKind != JsonValueKind.Object)
            {
                list.Add($"\"playbooks.{type}\" must be an object");
                continue;
            }
            try
            {
                result = result.SetItem(type, Override(playbook, element));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or KeyNotFoundException)
            {
                list.Add($"\"playbooks.{type}\": {e.Message}");
            }
        }
        problems = list;
        return result;
    }

    static Playbook Override(Playbook playbook, JsonElement o)
    {
        if (o.TryGetProperty("tasks", out var tasks))
            playbook = playbook with
            {
                Tasks = tasks.EnumerateArray().Select(t => new PlaybookTask(
                    t.GetProperty("role").GetString()!, t.GetProperty("title").GetString()!,
                    TimeSpan.FromSeconds(t.TryGetProperty("ackWithinSeconds", out var s) ? s.GetDouble() : 60))).ToImmutableList(),
            };
        if (o.TryGetProperty("ackWithinSeconds", out var ack))
        {
            var within = TimeSpan.FromSeconds(ack.GetDouble());
            if (within <= TimeSpan.Zero)
                throw new FormatException("ackWithinSeconds must be more than 0");
            playbook = playbook with { Tasks = playbook.Tasks.Select(t => t with { AckWithin = within }).ToImmutableList() };
        }
        if (o.TryGetProperty("escalateTo", out var chain))
            playbook = playbook with { EscalateTo = chain.EnumerateArray().Select(e => e.GetString()!).ToImmutableList() };
        if (o.TryGetProperty("gatesTo", out var gates))
            playbook = playbook with { GatesTo = gates.ValueKind == JsonValueKind.Null ? null : gates.GetString() };
        if (o.TryGetProperty("lampsEmergency", out var lamps))
            playbook = playbook with { LampsEmergency = lamps.GetBoolean() };
        if (o.TryGetProperty("camerasRecord", out var cameras))
            playbook = playbook with { CamerasRecord = cameras.GetBoolean() };
        if (o.TryGetProperty("householdsCheckIn", out var checkIn))
            playbook = playbook with { HouseholdsCheckIn = checkIn.GetBoolean() };
        if (o.TryGetProperty("assistVulnerable", out var assist))
            playbook = playbook with { AssistVulnerable = assist.GetBoolean() };
        return playbook;
    }
}
