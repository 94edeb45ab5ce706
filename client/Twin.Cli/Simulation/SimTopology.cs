using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Twin.Cli.Commands;

namespace Twin.Cli.Simulation;

/// <summary>One device of the topology the simulator can speak for.</summary>
/// <param name="Building">The building a bin or household is in.</param>
/// <param name="Covers">The buildings a lamp or camera covers.</param>
/// <param name="Category">A bin's waste category.</param>
public sealed record SimDeviceSpec(string Kind, string Id, string? Building = null, IReadOnlyList<string>? Covers = null, string? Category = null)
{
    public IReadOnlyList<string> CoveredBuildings => Covers ?? [];
}

/// <summary>
/// The devices of a topology file (community.json, DESIGN §6), in the order <c>--devices N</c> takes them: lamps, gates,
/// bins, cameras, households, each in file order. Only provisioned ids may be played: the silo dead-letters unknown ones.
/// </summary>
public sealed partial record SimTopology(string Source, string Community, IReadOnlyList<SimDeviceSpec> Devices)
{
    /// <summary>The name of the sample community embedded in <c>twin</c> (samples/community.json).</summary>
    public const string SampleResource = "community.json";

    /// <summary>Kinds in the order <c>--devices N</c> takes them, with the topology section each comes from.</summary>
    public static readonly IReadOnlyList<(string Kind, string Section)> Kinds =
        [("lamp", "lamps"), ("gate", "gates"), ("bin", "bins"), ("camera", "cameras"), ("household", "households")];

    /// <summary>Reads <paramref name="path"/>, or the embedded sample community when it is null.</summary>
    public static SimTopology Load(string? path)
    {
        if (path is null)
        {
            using var stream = typeof(SimTopology).Assembly.GetManifestResourceStream(SampleResource)
                ?? throw new InvalidOperationException($"the sample community ({SampleResource}) is not embedded in twin.");
            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd(), "the sample community");
        }
        if (Directory.Exists(path))
            throw new UsageException($"{path} is a directory; --topology takes a topology file such as community.json.");
        if (!File.Exists(path))
            throw new UsageException($"{path} does not exist; --topology takes a topology file such as community.json.");
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the topology {path}: {e.Message}");
        }
    }

    public static SimTopology Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            // The silo reads topology files with comments and trailing commas allowed; so does the simulator.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new UsageException($"the topology {source} is not valid JSON: {e.Message}");
        }
        if (root is not JsonObject document)
            throw new UsageException($"the topology {source} must be a JSON object shaped like community.json.");

        var devices = new List<SimDeviceSpec>();
        var problems = new List<string>();
        foreach (var (kind, section) in Kinds)
        {
            if (document[section] is not JsonArray entries)
                continue;
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i] as JsonObject;
                var id = Text(entry, "id");
                if (id is null || !IdRegex().IsMatch(id))
                {
                    problems.Add($"{section}[{i}] has no valid \"id\"");
                    continue;
                }
                devices.Add(new SimDeviceSpec(kind, id, Text(entry, "building"), Texts(entry, "covers"), Text(entry, "category")));
            }
        }
        if (problems.Count > 0)
            throw new UsageException($"the topology {source} has devices the silo would not provision: {string.Join("; ", problems)}.");
        if (devices.Count == 0)
            throw new UsageException($"the topology {source} has no lamps, gates, bins, cameras or households to simulate.");
        var community = document["community"] is JsonObject c ? Text(c, "id") : null;
        return new SimTopology(source, community ?? "?", devices);
    }

    /// <summary>Every device (<paramref name="count"/> 0), or the first <paramref name="count"/> in the order of <see cref="Kinds"/>.</summary>
    public IReadOnlyList<SimDeviceSpec> Take(int count)
    {
        if (count < 0)
            throw new UsageException($"--devices must be 0 (every device of the topology) or more, not {count}.");
        if (count > Devices.Count)
            throw new UsageException(
                $"--devices {count} is more than the {Devices.Count} devices of {Source} ({Describe(Devices)}); the simulator plays only " +
                "provisioned devices, since the silo dead-letters messages for unknown ids. Give --devices 0 for all of them, or a bigger --topology.");
        return count == 0 ? Devices : Devices.Take(count).ToList();
    }

    /// <summary>"24 lamps, 4 gates, …" in the order of <see cref="Kinds"/>.</summary>
    public static string Describe(IEnumerable<SimDeviceSpec> devices)
    {
        var counts = devices.GroupBy(d => d.Kind).ToDictionary(g => g.Key, g => g.Count());
        return string.Join(", ", Kinds.Where(k => counts.ContainsKey(k.Kind)).Select(k => $"{counts[k.Kind]} {(counts[k.Kind] == 1 ? k.Kind : k.Section)}"));
    }

    static string? Text(JsonObject? entry, string name) =>
        entry?[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    static List<string>? Texts(JsonObject? entry, string name) =>
        entry?[name] is JsonArray array
            ? [.. array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var text) ? text : null).OfType<string>()]
            : null;

    [GeneratedRegex(TokenCommand.IdPattern)]
    private static partial Regex IdRegex();
}
