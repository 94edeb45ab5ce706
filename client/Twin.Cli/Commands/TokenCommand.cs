using System.Buffers.Text;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin token new --party &lt;id&gt;</c>: makes a party's bearer token offline, prints it once, and prints the line for the
/// topology file's <c>parties</c>, which holds only the token's SHA-256.
/// </summary>
public static partial class TokenCommand
{
    /// <summary>The roles the silo knows (its access matrix); a party has exactly one.</summary>
    public static readonly IReadOnlyList<string> Roles = ["property", "committee", "grid", "police", "fire", "medical", "resident", "admin"];

    /// <summary>The silo's pattern for ids (parties, buildings, households, twins).</summary>
    public const string IdPattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

    public static Command Create(CommonOptions common)
    {
        var command = new Command("token", "Make bearer tokens for parties, offline: the topology file keeps only their SHA-256")
        {
            New(common),
        };
        return command;
    }

    static Command New(CommonOptions common)
    {
        var party = new Option<string>("--party") { Description = "The party's id, e.g. fire-119 (letters, digits, '-' and '_', up to 64)", HelpName = "party-id", Required = true };
        var role = new Option<string?>("--role")
        {
            Description = $"The party's role: {string.Join(", ", Roles)}. Defaults to the party id when that is a role (twin token new --party fire)",
            HelpName = "role",
        };
        var name = new Option<string?>("--name") { Description = "Display name, e.g. \"Fire brigade 119\"", HelpName = "display name" };
        var buildings = new Option<string[]>("--buildings")
        {
            Description = "The buildings the party is limited to, comma separated (e.g. B1,B2); may be repeated",
            HelpName = "B1,B2",
            Arity = ArgumentArity.ZeroOrMore,
            CustomParser = SplitCommas,
            DefaultValueFactory = _ => [],
        };
        var household = new Option<string?>("--household") { Description = "The household a resident party belongs to, e.g. B1-1-0501", HelpName = "household-id" };
        var command = new Command("new", "Make a new random bearer token for a party; print it once, and the line to add to \"parties\" in community.json")
        {
            party, role, name, buildings, household,
        };

        command.SetLocalAction(common, (parse, output, _) =>
        {
            var entry = Party(parse.GetRequiredValue(party), parse.GetValue(role), parse.GetValue(name), parse.GetValue(buildings) ?? [], parse.GetValue(household));
            var token = NewToken();
            entry["tokenSha256"] = Sha256Hex(token);
            output.TokenCreated(token, entry);
            return Task.CompletedTask;
        });
        return command;
    }

    /// <summary>32 random bytes, base64url without padding: 43 characters that need no quoting in a header, URL or shell.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The party's entry without its hash, fields in the order the sample topology uses; absent options are left out.</summary>
    public static JsonObject Party(string id, string? role, string? name, IReadOnlyList<string> buildings, string? household)
    {
        if (!IdRegex().IsMatch(id))
            throw new UsageException($"'{id}' is not a valid party id: it must match {IdPattern}.");
        role = string.IsNullOrWhiteSpace(role) ? null : role.Trim();
        if (role is null)
        {
            role = Roles.Contains(id)
                ? id
                : throw new UsageException($"--role is required: the party id '{id}' is not itself a role. Roles: {string.Join(", ", Roles)}.");
        }
        else if (!Roles.Contains(role))
        {
            throw new UsageException($"'{role}' is not a role. Roles: {string.Join(", ", Roles)}.");
        }

        var bad = buildings.Where(b => !IdRegex().IsMatch(b)).ToList();
        if (bad.Count > 0)
            throw new UsageException($"not a valid building id: {string.Join(", ", bad.Select(b => $"'{b}'"))} (ids must match {IdPattern}).");
        if (household is not null && !IdRegex().IsMatch(household))
            throw new UsageException($"'{household}' is not a valid household id: it must match {IdPattern}.");

        var entry = new JsonObject { ["id"] = id, ["role"] = role };
        if (!string.IsNullOrWhiteSpace(name))
            entry["name"] = name.Trim();
        if (buildings.Count > 0)
            entry["buildings"] = new JsonArray([.. buildings.Distinct(StringComparer.Ordinal).Select(b => JsonValue.Create(b))]);
        if (household is not null)
            entry["household"] = household;
        return entry;
    }

    static string[] SplitCommas(ArgumentResult result) =>
        [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    [GeneratedRegex(IdPattern)]
    private static partial Regex IdRegex();
}
