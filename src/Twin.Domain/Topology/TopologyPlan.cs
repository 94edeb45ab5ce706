using System.Collections.Immutable;
using System.Globalization;
using Twin.Bins;
using Twin.Twins;

namespace Twin.Topology;

/// <summary>
/// A topology document checked and turned into what to provision. Pure: the silo carries the plan out.
/// Problems are collected, not thrown, so one answer tells the operator everything that is wrong.
/// </summary>
public sealed record TopologyPlan(
    string Community,
    string? CommunityName,
    ImmutableArray<string> Buildings,
    ImmutableArray<TwinProvision> Twins,
    ImmutableArray<string> Problems)
{
    public static readonly IReadOnlyList<string> Vulnerabilities = ["elderly_alone", "limited_mobility", "needs_medication", "infant"];

    public bool IsValid => Problems.IsEmpty;

    /// <param name="knownCommunity">The community already loaded, used when a provisioning document leaves it out.</param>
    /// <param name="knownBuildings">Buildings already provisioned, which the document may refer to.</param>
    public static TopologyPlan From(TopologyDocument doc, string? knownCommunity = null, IReadOnlySet<string>? knownBuildings = null)
    {
        var problems = new List<string>();
        var community = doc.Community?.Id ?? knownCommunity;
        if (community is null)
            problems.Add("\"community\": the document needs { \"id\": ... } (no community is loaded yet)");
        else if (!TwinId.IsValidId(community))
            problems.Add($"\"community.id\": '{community}' does not match {TwinId.IdPattern}");
        community ??= "";

        var buildingIds = doc.Buildings.Select(b => b.Id).ToHashSet();
        bool BuildingExists(string id) => buildingIds.Contains(id) || knownBuildings?.Contains(id) == true;
        var seen = new HashSet<string>();
        var twins = ImmutableArray.CreateBuilder<TwinProvision>();

        void Add(string section, int index, string kind, string id, string? building, IEnumerable<string> covers,
                 ImmutableDictionary<string, FieldValue> profile, ImmutableList<Member>? members = null)
        {
            var where = $"\"{section}[{index}]\"";
            if (!TwinId.IsValidId(id))
            {
                problems.Add($"{where}: id '{id}' does not match {TwinId.IdPattern}");
                return;
            }
            if (!seen.Add($"{kind}/{id}"))
                problems.Add($"{where}: {kind} '{id}' appears twice");
            // Every twin of a building holds the building's own id string rather than its copy from the file.
            if (building is not null && buildingIds.TryGetValue(building, out var shared))
                building = shared;
            else if (building is not null && !BuildingExists(building))
                problems.Add($"{where}: building '{building}' is not in \"buildings\"");
            var coverList = covers.ToImmutableArray();
            foreach (var covered in coverList.Where(c => !BuildingExists(c)))
                problems.Add($"{where}: covers building '{covered}', which is not in \"buildings\"");
            twins.Add(new TwinProvision(new TwinId(kind, id), community, building, coverList, profile, members ?? []));
        }

        for (var i = 0; i < doc.Buildings.Count; i++)
        {
            var b = doc.Buildings[i];
            foreach (var n in b.Neighbours.Where(n => !BuildingExists(n)))
                problems.Add($"\"buildings[{i}]\": neighbour '{n}' is not in \"buildings\"");
            var profile = Profile(("name", b.Name), ("units", b.Units), ("floors", b.Floors), ("x", b.Position?.X), ("y", b.Position?.Y),
                ("neighbours", b.Neighbours.Count == 0 ? null : string.Join(",", b.Neighbours)));
            Add("buildings", i, TwinKinds.Building, b.Id, null, [], profile);
        }

        for (var i = 0; i < doc.Households.Count; i++)
        {
            var h = doc.Households[i];
            if (h.Building is null)
                problems.Add($"\"households[{i}]\": a household needs its \"building\"");
            var members = ImmutableList.CreateBuilder<Member>();
            foreach (var m in h.Members)
            {
                foreach (var flag in (m.Vulnerability ?? []).Where(f => !Vulnerabilities.Contains(f)))
                    problems.Add($"\"households[{i}]\": unknown vulnerability '{flag}' (known: {string.Join(", ", Vulnerabilities)})");
                members.Add(new Member(m.Name, m.Phone, [.. m.Vulnerability ?? []]));
            }
            var vulnerable = members.Any(m => !m.Vulnerability.IsEmpty);
            Add("households", i, TwinKinds.Household, h.Id, h.Building, [],
                Profile(("unit", h.Unit), ("floor", h.Floor), ("vulnerable", vulnerable ? true : null)), members.ToImmutable());
        }

        AddDevices("gates", TwinKinds.Gate, doc.Gates);
        AddDevices("lamps", TwinKinds.Lamp, doc.Lamps);
        AddDevices("bins", TwinKinds.Bin, doc.Bins);
        AddDevices("cameras", TwinKinds.Camera, doc.Cameras);

        for (var i = 0; i < doc.Bins.Count; i++)
            if (doc.Bins[i].Category is { } category && !BinRules.Categories.Contains(category))
                problems.Add($"\"bins[{i}]\": category '{category}' is not one of {string.Join(", ", BinRules.Categories)}");

        for (var i = 0; i < doc.Parties.Count; i++)
        {
            var p = doc.Parties[i];
            if (!TwinId.IsValidId(p.Id))
                problems.Add($"\"parties[{i}]\": id '{p.Id}' does not match {TwinId.IdPattern}");
            if (!Parties.Roles.All.Contains(p.Role))
                problems.Add($"\"parties[{i}]\": role '{p.Role}' is not one of {string.Join(", ", Parties.Roles.All)}");
            if (p.TokenSha256 is { } hash && !IsSha256Hex(hash))
                problems.Add($"\"parties[{i}]\": tokenSha256 must be 64 hexadecimal characters (the SHA-256 of the token, never the token)");
        }

        for (var i = 0; i < doc.Devices.Count; i++)
        {
            var d = doc.Devices[i];
            if (!TwinId.TryParse(d.Twin, out _))
                problems.Add($"\"devices[{i}]\": twin '{d.Twin}' is not a twin address kind/id");
            if (!IsSha256Hex(d.SecretSha256))
                problems.Add($"\"devices[{i}]\": secretSha256 must be 64 hexadecimal characters");
        }

        return new TopologyPlan(community, doc.Community?.Name, [.. buildingIds], twins.ToImmutable(), [.. problems]);

        void AddDevices(string section, string kind, List<DeviceSpec> devices)
        {
            for (var i = 0; i < devices.Count; i++)
            {
                var d = devices[i];
                var profile = Profile(("name", d.Name), ("category", d.Category), ("x", d.Position?.X), ("y", d.Position?.Y));
                Add(section, i, kind, d.Id, d.Building, d.Covers, profile);
            }
        }
    }

    static bool IsSha256Hex(string? text) => text is { Length: 64 } && text.All(Uri.IsHexDigit);

    static ImmutableDictionary<string, FieldValue> Profile(params (string Name, object? Value)[] values)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, FieldValue>();
        foreach (var (name, value) in values)
        {
            switch (value)
            {
                case string s: builder[name] = s; break;
                case bool b: builder[name] = b; break;
                case int n: builder[name] = n; break;
                case double d: builder[name] = d; break;
                case null: break;
                default: builder[name] = Convert.ToString(value, CultureInfo.InvariantCulture)!; break;
            }
        }
        return builder.ToImmutable();
    }
}
