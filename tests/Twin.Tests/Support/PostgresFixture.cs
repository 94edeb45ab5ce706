using System.Diagnostics;
using System.Text;
using Npgsql;

namespace Twin.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL 15 (<c>scripts/postgres-dev.sh start --fast</c>) on a free port, removed again at the end.
/// Give every test its own database with <see cref="CreateDatabaseAsync"/>. Pausing stops the whole server, so a test
/// class that pauses should not share its fixture with classes that do not expect it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    // Start may first apt-get install postgresql-15.
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(1);
    const int MaxDatabaseNameLength = 63;

    readonly string script = Path.Combine(RepositoryRoot(), "scripts", "postgres-dev.sh");
    // Short, because the server's unix socket lives inside it and socket paths are limited to 107 bytes.
    readonly string directory = Path.Combine(Path.GetTempPath(), $"twin-pg-{Guid.NewGuid():N}"[..20]);

    public int Port { get; } = FreePort.Next();

    /// <summary>Connects as the superuser <c>postgres</c> (no password) to the database <c>twin</c>.</summary>
    public string ServerConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        try
        {
            var output = await RunScript(StartTimeout, "start", "--dir", directory, "--port", Port.ToString(), "--fast");
            ServerConnectionString = output.Trim();
        }
        catch
        {
            try
            {
                await RemoveServer();
            }
            catch (Exception)
            {
                // The failed start explains more than a failed clean-up of what it left behind.
            }
            throw;
        }
    }

    /// <summary>Creates an empty database named after <paramref name="prefix"/> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = UniqueDatabaseName(prefix);
        await using var connection = new NpgsqlConnection(WithoutPooling(ServerConnectionString));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Shuts the server down cleanly, keeping its data: "the database is down" until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => RunScript(ScriptTimeout, "pause", "--dir", directory);

    /// <summary>Starts the paused server again on the same port and returns once it accepts connections.</summary>
    public Task ResumeAsync() => RunScript(ScriptTimeout, "resume", "--dir", directory);

    public Task DisposeAsync() => RemoveServer();

    async Task RemoveServer()
    {
        if (Directory.Exists(directory))
            await RunScript(ScriptTimeout, "stop", "--dir", directory);
    }

    // The fixture's own connections: a pooled one could be a dead leftover from before a pause.
    static string WithoutPooling(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    static string UniqueDatabaseName(string prefix)
    {
        var suffix = "_" + Guid.NewGuid().ToString("N");
        var readable = new StringBuilder();
        foreach (var character in prefix.ToLowerInvariant())
            readable.Append(char.IsAsciiLetterOrDigit(character) ? character : '_');
        var maxPrefixLength = MaxDatabaseNameLength - suffix.Length;
        return (readable.Length > maxPrefixLength ? readable.ToString(0, maxPrefixLength) : readable.ToString()) + suffix;
    }

    /// <summary>Runs postgres-dev.sh and returns its stdout; its stderr (diagnostics and server log) goes into any failure.</summary>
    async Task<string> RunScript(TimeSpan timeout, params string[] arguments)
    {
        var invocation = $"scripts/postgres-dev.sh {string.Join(' ', arguments)}";
        var startInfo = new ProcessStartInfo("bash", [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not run {invocation}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var diagnostics = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{invocation} did not finish within {timeout.TotalSeconds:0} s, so the tests have no PostgreSQL. What it said:\n{await diagnostics}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{invocation} failed with exit code {process.ExitCode}, so the tests have no PostgreSQL. What it said:\n{await diagnostics}");
        return await output;
    }

    static string RepositoryRoot()
    {
        for (var candidate = new DirectoryInfo(AppContext.BaseDirectory); candidate is not null; candidate = candidate.Parent)
        {
            if (File.Exists(Path.Combine(candidate.FullName, "Twin.sln")))
                return candidate.FullName;
        }
        throw new InvalidOperationException($"Found no Twin.sln in {AppContext.BaseDirectory} or above it, so cannot find scripts/postgres-dev.sh.");
    }
}
