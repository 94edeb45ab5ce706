using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Twin.Tests.Cli;

/// <summary><c>twin broker-config</c>, run as a process, offline: mosquitto 2.0's password file and ACL.</summary>
public sealed class BrokerConfigTests : IDisposable
{
    readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A topology with two devices, and a secrets file with their secrets, comments and blank lines.</summary>
    internal static (string Topology, string Secrets) TinyCommunity(TempDir dir, string lampSecret = "s3cret lamp", string binSecret = "bin-secret-01")
    {
        var topology = dir.File("community.json");
        File.WriteAllText(topology, JsonSerializer.Serialize(new
        {
            community = new { id = "tiny", name = "Tiny" },
            devices = new[]
            {
                new { twin = "lamp/L-01", username = "lamp-L-01", secretSha256 = Sha256Hex("s3cret lamp") },
                new { twin = "bin/BIN-01", username = "bin-BIN-01", secretSha256 = Sha256Hex("bin-secret-01").ToUpperInvariant() },
            },
        }));
        var secrets = dir.File("secrets.txt");
        File.WriteAllText(secrets, $"""
            # device secrets, not to be committed

            lamp-L-01 {lampSecret}
              bin-BIN-01	{binSecret}
            """);
        return (topology, secrets);
    }

    /// <summary>Recomputes mosquitto's <c>$7$</c> hash from the salt in the line: PBKDF2-HMAC-SHA512, 101 iterations, 64 bytes.</summary>
    internal static bool Verifies(string line, string username, string password)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || line[..colon] != username)
            return false;
        var parts = line[(colon + 1)..].Split('$');
        Assert.Equal(5, parts.Length);
        Assert.Equal("", parts[0]);
        Assert.Equal("7", parts[1]);
        Assert.Equal("101", parts[2]);
        var salt = Convert.FromBase64String(parts[3]);
        var hash = Convert.FromBase64String(parts[4]);
        Assert.Equal(12, salt.Length);
        Assert.Equal(64, hash.Length);
        var expected = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 101, HashAlgorithmName.SHA512, 64);
        return CryptographicOperations.FixedTimeEquals(expected, hash);
    }

    [Fact]
    public async Task Writes_a_password_file_whose_lines_verify_and_an_acl_with_each_devices_topics()
    {
        var (topology, secrets) = TinyCommunity(dir);
        var outDir = dir.File("broker");

        var (exit, output, error) = await TwinProcess.Run("broker-config", "--topology", topology, "--secrets", secrets, "--out", outDir, "--silo-password", "silo pw");
        Assert.True(exit == 0, error);

        var passwd = File.ReadAllLines(Path.Combine(outDir, "passwd"));
        Assert.Equal(3, passwd.Length);
        Assert.True(Verifies(passwd.Single(l => l.StartsWith("twin-silo:")), "twin-silo", "silo pw"));
        Assert.True(Verifies(passwd.Single(l => l.StartsWith("lamp-L-01:")), "lamp-L-01", "s3cret lamp"));
        Assert.True(Verifies(passwd.Single(l => l.StartsWith("bin-BIN-01:")), "bin-BIN-01", "bin-secret-01"));
        Assert.False(Verifies(passwd.Single(l => l.StartsWith("lamp-L-01:")), "lamp-L-01", "bin-secret-01"));
        // A fresh salt per line.
        Assert.Equal(3, passwd.Select(l => l.Split('$')[3]).Distinct().Count());

        var acl = File.ReadAllText(Path.Combine(outDir, "acl"));
        Assert.DoesNotContain("pattern", acl);
        Assert.Contains("user twin-silo\ntopic readwrite twin/#\n", acl);
        Assert.Contains("user lamp-L-01\ntopic write twin/lamp/L-01/telemetry\ntopic write twin/lamp/L-01/event\ntopic read twin/lamp/L-01/command\n", acl);
        Assert.Contains("user bin-BIN-01\ntopic write twin/bin/BIN-01/telemetry\ntopic write twin/bin/BIN-01/event\ntopic read twin/bin/BIN-01/command\n", acl);
        var topics = acl.Split('\n').Where(l => l.StartsWith("topic ")).ToList();
        Assert.Equal(7, topics.Count);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(outDir, "passwd")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(outDir, "acl")));
        }
        Assert.Equal(["acl", "passwd"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order());

        Assert.Contains("2 devices", output);
        Assert.Contains("allow_anonymous false", output);
        Assert.Contains($"password_file {Path.Combine(outDir, "passwd")}", output);
        Assert.Contains($"acl_file {Path.Combine(outDir, "acl")}", output);
    }

    [Fact]
    public async Task Json_summarises_and_the_silo_account_comes_from_the_environment()
    {
        var (topology, secrets) = TinyCommunity(dir);
        var outDir = dir.File("broker");

        var (exit, output, error) = await TwinProcess.Run(
            new Dictionary<string, string?> { ["TWIN_MQTT_SILO_PASSWORD"] = "from env" },
            "broker-config", "--topology", topology, "--secrets", secrets, "--out", outDir, "--silo-user", "silo-a", "--json");
        Assert.True(exit == 0, error);

        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal(2, summary.GetProperty("devices").GetInt32());
        Assert.Equal("silo-a", summary.GetProperty("siloUser").GetString());
        Assert.Equal(Path.Combine(outDir, "passwd"), summary.GetProperty("passwordFile").GetString());
        Assert.Contains("allow_anonymous false", summary.GetProperty("conf").GetString());
        Assert.True(Verifies(File.ReadAllLines(Path.Combine(outDir, "passwd"))[0], "silo-a", "from env"));
        Assert.Contains("user silo-a\ntopic readwrite twin/#\n", File.ReadAllText(Path.Combine(outDir, "acl")));
    }

    [Fact]
    public async Task The_silo_password_is_required()
    {
        var (topology, secrets) = TinyCommunity(dir);
        var outDir = dir.File("broker");

        var (exit, _, error) = await TwinProcess.Run("broker-config", "--topology", topology, "--secrets", secrets, "--out", outDir);
        Assert.Equal(2, exit);
        Assert.Contains("TWIN_MQTT_SILO_PASSWORD", error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task A_wrong_or_missing_secret_exits_2_names_every_bad_device_and_writes_nothing()
    {
        var (topology, secrets) = TinyCommunity(dir, lampSecret: "not the lamp's secret");
        var outDir = dir.File("broker");

        var (exit, output, error) = await TwinProcess.Run("broker-config", "--topology", topology, "--secrets", secrets, "--out", outDir, "--silo-password", "pw");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("lamp-L-01", error);
        Assert.DoesNotContain("bin-BIN-01", error);
        Assert.False(Directory.Exists(outDir));

        // Both bad: a wrong secret and no secret at all; both are named in the one error.
        File.WriteAllText(secrets, "lamp-L-01 wrong\n");
        (exit, _, error) = await TwinProcess.Run("broker-config", "--topology", topology, "--secrets", secrets, "--out", outDir, "--silo-password", "pw");
        Assert.Equal(2, exit);
        Assert.Contains("lamp-L-01", error);
        Assert.Contains("bin-BIN-01", error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task A_failed_run_leaves_files_from_an_earlier_run_alone()
    {
        var (topology, secrets) = TinyCommunity(dir);
        var outDir = dir.File("broker");
        Assert.Equal(0, (await TwinProcess.Run("broker-config", "--topology", topology, "--secrets", secrets, "--out", outDir, "--silo-password", "pw")).Exit);
        var before = File.ReadAllText(Path.Combine(outDir, "passwd"));

        File.WriteAllText(secrets, "lamp-L-01 s3cret lamp\n");
        Assert.Equal(2, (await TwinProcess.Run("broker-config", "--topology", topology, "--secrets", secrets, "--out", outDir, "--silo-password", "pw")).Exit);
        Assert.Equal(before, File.ReadAllText(Path.Combine(outDir, "passwd")));
    }

    [Fact]
    public async Task A_missing_topology_is_a_usage_error()
    {
        var (_, secrets) = TinyCommunity(dir);
        var (exit, _, error) = await TwinProcess.Run("broker-config", "--topology", dir.File("nope.json"), "--secrets", secrets, "--out", dir.File("broker"), "--silo-password", "pw");
        Assert.Equal(2, exit);
        Assert.Contains("nope.json", error);
    }
}
