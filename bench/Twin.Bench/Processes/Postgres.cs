namespace Twin.Bench.Processes;

/// <summary>A throwaway PostgreSQL 15 from scripts/postgres-dev.sh, with fsync on: durable means durable.</summary>
public sealed class Postgres : IAsyncDisposable
{
    readonly string directory;

    Postgres(string directory, string connectionString)
    {
        this.directory = directory;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    static string Script => Path.Combine(Workspace.Repository, "scripts", "postgres-dev.sh");

    public static async Task<Postgres> Start(Workspace workspace)
    {
        var directory = workspace.File("postgres");
        var (code, output) = await Run("start", "--dir", directory, "--port", "0");
        if (code != 0)
            throw new BenchException($"scripts/postgres-dev.sh start failed ({code}): {output}");
        return new Postgres(directory, File.ReadAllText(Path.Combine(directory, "connection-string")).Trim());
    }

    static Task<(int Code, string Output)> Run(params string[] arguments) => ChildProcess.Run(Script, arguments);

    public async ValueTask DisposeAsync() => await Run("stop", "--dir", directory);
}
