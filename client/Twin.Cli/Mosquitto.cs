using System.Security.Cryptography;
using System.Text;

namespace Twin.Cli;

/// <summary>A device account from the topology: its twin <c>kind/id</c>, MQTT username and plaintext secret.</summary>
public sealed record BrokerAccount(string Kind, string Id, string Username, string Secret);

/// <summary>The files mosquitto 2.0 reads: <c>password_file</c> and <c>acl_file</c>.</summary>
public static class Mosquitto
{
    /// <summary>mosquitto 2.0's <c>$7$</c> hash: PBKDF2-HMAC-SHA512 with a 12-byte salt, 101 iterations, 64 bytes.</summary>
    public const int SaltBytes = 12;
    public const int Iterations = 101;
    public const int HashBytes = 64;

    /// <summary>
    /// One line of a mosquitto 2.0 password file, as <c>mosquitto_passwd</c> writes it:
    /// <c>username:$7$101$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c> (standard base64 with padding).
    /// </summary>
    public static string PasswordLine(string username, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"{username}:$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static string PasswordFile(string siloUser, string siloPassword, IEnumerable<BrokerAccount> devices)
    {
        var file = new StringBuilder();
        file.Append(PasswordLine(siloUser, siloPassword)).Append('\n');
        foreach (var device in devices)
            file.Append(PasswordLine(device.Username, device.Secret)).Append('\n');
        return file.ToString();
    }

    /// <summary>
    /// The ACL: the silo reads and writes every twin topic; each device writes its own telemetry and events and reads its
    /// own commands, and nothing else. One explicit block per user, no <c>pattern</c> lines.
    /// </summary>
    public static string AclFile(string siloUser, IEnumerable<BrokerAccount> devices, string source)
    {
        var file = new StringBuilder();
        file.Append("# mosquitto ACL for Twin, made by `twin broker-config` from ").Append(source).Append(".\n");
        file.Append("# Each device account may publish only under its own twin/{kind}/{id}/ and read only its commands.\n\n");
        file.Append("# The silo: ingestion, commands, retained state and dead letters.\n");
        file.Append("user ").Append(siloUser).Append('\n');
        file.Append("topic readwrite twin/#\n");
        foreach (var device in devices)
        {
            var prefix = $"twin/{device.Kind}/{device.Id}";
            file.Append('\n');
            file.Append("# ").Append(device.Kind).Append('/').Append(device.Id).Append('\n');
            file.Append("user ").Append(device.Username).Append('\n');
            file.Append("topic write ").Append(prefix).Append("/telemetry\n");
            file.Append("topic write ").Append(prefix).Append("/event\n");
            file.Append("topic read ").Append(prefix).Append("/command\n");
        }
        return file.ToString();
    }

    /// <summary>What to put in mosquitto.conf so it uses the two files.</summary>
    public static string ConfSnippet(string passwordFile, string aclFile) => $"""
        # Twin: only known accounts, each held to its own topics (mosquitto 2.0)
        allow_anonymous false
        password_file {passwordFile}
        acl_file {aclFile}
        # and a listener, e.g. `listener 1883`: without one, mosquitto 2.0 listens on localhost only
        """;

    /// <summary>
    /// Writes <paramref name="files"/> into <paramref name="directory"/>, readable by the owner only on Unix: each goes to a
    /// temporary file created with mode 0600 and is then renamed over the old one, so no reader sees half a file.
    /// </summary>
    public static void WritePrivate(string directory, IReadOnlyList<(string Name, string Text)> files)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory);
        else
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var temporary = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (name, text) in files)
            {
                var temp = Path.Combine(directory, $".{name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.tmp");
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                temporary.Add((temp, Path.Combine(directory, name)));
                using (var stream = new FileStream(temp, options))
                {
                    stream.Write(Encoding.UTF8.GetBytes(text));
                    stream.Flush(flushToDisk: true);
                }
            }
            foreach (var (temp, final) in temporary)
                File.Move(temp, final, overwrite: true);
        }
        finally
        {
            foreach (var (temp, _) in temporary)
                File.Delete(temp);
        }
    }
}
