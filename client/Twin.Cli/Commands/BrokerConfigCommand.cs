using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin broker-config</c>: makes mosquitto 2.0's password file and ACL for an external broker, offline, from the
/// topology's <c>devices</c> (which hold only SHA-256 hashes) and a file with the devices' plaintext secrets.
/// </summary>
public static partial class BrokerConfigCommand
{
    public const string SiloPasswordVariable = "TWIN_MQTT_SILO_PASSWORD";
    public const string DefaultSiloUser = "twin-silo";

    public static Command Create(CommonOptions common)
    {
        var topology = new Option<string>("--topology") { Description = "The topology file (community.json) whose \"devices\" get accounts", HelpName = "community.json", Required = true };
        var secrets = new Option<string>("--secrets")
        {
            Description = "The devices' plaintext secrets: one 'username secret' per line; blank lines and # comments are ignored",
            HelpName = "file",
            Required = true,
        };
        var outDir = new Option<string>("--out") { Description = "Directory to write passwd and acl into (created if missing)", HelpName = "dir", Required = true };
        var siloUser = new Option<string>("--silo-user")
        {
            Description = "The silo's MQTT username (the silo's Twin:Mqtt:Username)",
            HelpName = "username",
            DefaultValueFactory = _ => DefaultSiloUser,
        };
        var siloPassword = new Option<string?>("--silo-password")
        {
            Description = $"The silo's MQTT password (the silo's Twin:Mqtt:Password) [env {SiloPasswordVariable}]",
            HelpName = "password",
        };
        var command = new Command("broker-config", "Write mosquitto 2.0's password file and ACL for the topology's devices and the silo, offline")
        {
            topology, secrets, outDir, siloUser, siloPassword,
        };

        command.SetLocalAction(common, (parse, output, _) =>
        {
            var topologyPath = Path.GetFullPath(parse.GetRequiredValue(topology));
            var secretsPath = Path.GetFullPath(parse.GetRequiredValue(secrets));
            var directory = Path.GetFullPath(parse.GetRequiredValue(outDir));
            var silo = parse.GetValue(siloUser)?.Trim() is { Length: > 0 } user ? user : DefaultSiloUser;
            var password = Setting(parse.GetValue(siloPassword)) ?? Setting(Environment.GetEnvironmentVariable(SiloPasswordVariable))
                ?? throw new UsageException($"the silo's MQTT password is required: pass --silo-password or set {SiloPasswordVariable}.");
            if (!IsUsername(silo))
                throw new UsageException($"'{silo}' cannot be an MQTT username here: no spaces, control characters or ':'.");
            if (password.Contains('\n', StringComparison.Ordinal) || password.Contains('\r', StringComparison.Ordinal))
                throw new UsageException("the silo's MQTT password cannot contain a line break.");

            var devices = ReadDevices(topologyPath);
            var known = ReadSecrets(secretsPath);
            var accounts = Check(devices, known, silo, secretsPath);
            // Secrets for accounts the topology does not have are not an error (one secrets file may serve several
            // communities), but the summary names them, as they may be typos.
            var ignored = known.Keys.Except(devices.Select(d => d.Username), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

            var passwordFile = Path.Combine(directory, "passwd");
            var aclFile = Path.Combine(directory, "acl");
            try
            {
                Mosquitto.WritePrivate(directory,
                [
                    ("passwd", Mosquitto.PasswordFile(silo, password, accounts)),
                    ("acl", Mosquitto.AclFile(silo, accounts, Path.GetFileName(topologyPath))),
                ]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot write into {directory}: {e.Message}");
            }

            output.BrokerConfigWritten(new JsonObject
            {
                ["devices"] = accounts.Count,
                ["siloUser"] = silo,
                ["passwordFile"] = passwordFile,
                ["aclFile"] = aclFile,
                ["ignoredSecrets"] = new JsonArray([.. ignored.Select(u => JsonValue.Create(u))]),
                ["conf"] = Mosquitto.ConfSnippet(passwordFile, aclFile),
            });
            return Task.CompletedTask;
        });
        return command;
    }

    sealed record Device(string Twin, string Kind, string Id, string Username, string SecretSha256);

    /// <summary>The topology's <c>devices</c>; anything that could not become a safe account is an error naming every such entry.</summary>
    static List<Device> ReadDevices(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the topology {path}: {e.Message}");
        }
        catch (JsonException e)
        {
            throw new UsageException($"the topology {path} is not valid JSON: {e.Message}");
        }
        if (root is not JsonObject document || document["devices"] is not JsonArray entries)
            throw new UsageException($"the topology {path} has no \"devices\" array.");

        var devices = new List<Device>();
        var problems = new List<string>();
        var usernames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] as JsonObject;
            var twin = String(entry, "twin");
            var username = String(entry, "username");
            var hash = String(entry, "secretSha256");
            var label = username ?? $"devices[{i}]";
            var slash = twin?.IndexOf('/', StringComparison.Ordinal) ?? -1;
            if (twin is null || slash <= 0 || !IdRegex().IsMatch(twin[..slash]) || !IdRegex().IsMatch(twin[(slash + 1)..]))
                problems.Add($"{label}: \"twin\" must be kind/id with ids matching {TokenCommand.IdPattern}");
            else if (username is null || !IsUsername(username))
                problems.Add($"{label}: \"username\" must be a non-empty name without spaces, control characters or ':'");
            else if (!usernames.Add(username))
                problems.Add($"{label}: the username is used by more than one device");
            else if (hash is null || !Sha256HexRegex().IsMatch(hash))
                problems.Add($"{label}: \"secretSha256\" must be 64 hex digits");
            else
                devices.Add(new Device(twin, twin[..slash], twin[(slash + 1)..], username, hash));
        }
        if (problems.Count > 0)
            throw new UsageException($"{problems.Count} of the devices in {path} cannot become broker accounts: {string.Join("; ", problems)}. Nothing was written.");
        return devices;
    }

    /// <summary>The secrets file: <c>username secret</c> per line; the secret is the rest of the line, trimmed.</summary>
    static Dictionary<string, string> ReadSecrets(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the secrets file {path}: {e.Message}");
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var space = line.IndexOfAny([' ', '\t']);
            if (space < 0)
            {
                problems.Add($"line {i + 1} has a username but no secret");
                continue;
            }
            var username = line[..space];
            if (!secrets.TryAdd(username, line[(space + 1)..].Trim()))
                problems.Add($"line {i + 1} repeats the username '{username}'");
        }
        if (problems.Count > 0)
            throw new UsageException($"the secrets file {path} is not 'username secret' per line: {string.Join("; ", problems)}. Nothing was written.");
        return secrets;
    }

    /// <summary>
    /// Every device must have its secret, and the secret must hash to the topology's <c>secretSha256</c> (compared in
    /// constant time); otherwise the broker would admit a device the silo refuses, or the other way round.
    /// </summary>
    static List<BrokerAccount> Check(List<Device> devices, Dictionary<string, string> secrets, string siloUser, string secretsPath)
    {
        if (devices.Any(d => d.Username == siloUser))
            throw new UsageException($"the silo's username '{siloUser}' is also a device's username; pick another with --silo-user. Nothing was written.");

        var missing = new List<string>();
        var wrong = new List<string>();
        var accounts = new List<BrokerAccount>();
        foreach (var device in devices)
        {
            if (!secrets.TryGetValue(device.Username, out var secret))
            {
                missing.Add(device.Username);
                continue;
            }
            var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
            if (!CryptographicOperations.FixedTimeEquals(presented, Convert.FromHexString(device.SecretSha256)))
            {
                wrong.Add(device.Username);
                continue;
            }
            accounts.Add(new BrokerAccount(device.Kind, device.Id, device.Username, secret));
        }
        if (missing.Count > 0 || wrong.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0)
                parts.Add($"no secret for {string.Join(", ", missing)}");
            if (wrong.Count > 0)
                parts.Add($"secret does not match secretSha256 for {string.Join(", ", wrong)}");
            throw new UsageException($"{missing.Count + wrong.Count} of {devices.Count} devices have no good secret in {secretsPath}: {string.Join("; ", parts)}. Nothing was written.");
        }
        return accounts;
    }

    /// <summary>Usernames that fit both files: the password file splits at ':', the ACL's <c>user</c> line takes the rest of the line.</summary>
    static bool IsUsername(string name) =>
        name.Length is > 0 and <= 256 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ':');

    static string? Setting(string? value) => string.IsNullOrEmpty(value) ? null : value;

    static string? String(JsonObject? entry, string name) =>
        entry?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    [GeneratedRegex(TokenCommand.IdPattern)]
    private static partial Regex IdRegex();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256HexRegex();
}
