using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Twin.Cli.Commands;

/// <summary><c>twin provision &lt;file.json&gt;</c>: adds or changes entities from a document shaped like community.json, merged by id.</summary>
public static class ProvisionCommand
{
    /// <summary>The top-level sections of a topology document (DESIGN §6); the silo ignores anything else.</summary>
    public static readonly IReadOnlyList<string> Sections = ["community", "buildings", "households", "gates", "lamps", "bins", "cameras", "parties", "devices", "playbooks"];

    const string Example = """{"lamps": [{"id": "L-99", "position": {"x": 10, "y": 20}, "covers": ["B1"]}]}""";

    public static Command Create(CommonOptions common)
    {
        var file = new Argument<string>("file")
        {
            Description = "A JSON document shaped like community.json with any of its sections (e.g. only \"lamps\"); '-' reads it from stdin",
            HelpName = "file.json",
        };
        var command = new Command("provision",
            "Add or change entities (admin): buildings, households, devices, parties, device credentials and playbooks, merged by id. " +
            "Prints what was added and changed; if anything in the file is wrong, nothing is provisioned")
        {
            file,
        };

        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var path = parse.GetRequiredValue(file);
            var text = path == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : ReadFile(path);
            var source = path == "-" ? "stdin" : path;
            foreach (var ignored in Check(text, source))
                output.Warning($"the silo ignores \"{ignored}\" in {source}: it is not a section of a topology document ({string.Join(", ", Sections)}).");
            var report = await api.Provision(text, cancellationToken);
            output.Show(report, provisioned => output.Provisioned(provisioned, source));
        });
        return command;
    }

    static string ReadFile(string path)
    {
        if (Directory.Exists(path))
            throw new UsageException($"{path} is a directory; give the topology file to provision, e.g. community.json.");
        if (!File.Exists(path))
            throw new UsageException($"{path} does not exist; give the topology file to provision, e.g. community.json.");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses what cannot be a topology document before it is sent, as the silo would with a less specific message, and
    /// returns the top-level names the silo would skip without a word (a typo such as "lamp" would otherwise add nothing).
    /// </summary>
    static List<string> Check(string text, string source)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new UsageException($"{source} is empty; it must hold a JSON object shaped like community.json, e.g. {Example}");
        JsonNode? root;
        try
        {
            // The silo reads topology documents with comments and trailing commas allowed; so does this check.
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            var reason = e.Message.Split(" LineNumber:", 2)[0].Trim();
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1})" : "";
            throw new UsageException($"{source} is not valid JSON{where}: {reason}");
        }
        if (root is not JsonObject document)
            throw new UsageException($"{source} holds a JSON {root?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}, not an object shaped like community.json, e.g. {Example}");

        var ignored = document.Select(p => p.Key).Where(name => !Sections.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (ignored.Count == document.Count)
            throw new UsageException($"{source} has none of the sections of a topology document ({string.Join(", ", Sections)}), so there is nothing to provision; e.g. {Example}");
        return ignored;
    }
}
