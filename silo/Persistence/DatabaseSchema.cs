using System.Reflection;
using Npgsql;

namespace Twin.Silo.Persistence;

/// <summary>
/// Brings the database to the schema this silo needs before Orleans starts: Orleans' own scripts and ours, each once,
/// recorded in <c>twin_schema_scripts</c>. Several silos starting together take turns under an advisory lock.
/// </summary>
public sealed class DatabaseSchema(NpgsqlDataSource database, ILogger<DatabaseSchema> logger) : IHostedService
{
    const long SchemaLockKey = 0x7477_696e_7363; // any constant shared by every silo; "twinsc"

    /// <summary>In order. A database that already has an Orleans script's table (set up by hand) is not touched again.</summary>
    static readonly SchemaScript[] Scripts =
    [
        new("orleans/PostgreSQL-Main.sql", ExistingTable: "orleansquery"),
        new("orleans/PostgreSQL-Persistence.sql", ExistingTable: "orleansstorage"),
        new("orleans/PostgreSQL-Clustering.sql", ExistingTable: "orleansmembershiptable"),
        new("orleans/PostgreSQL-Reminders.sql", ExistingTable: "orleansreminderstable"),
        new("twin/001-history.sql", ExistingTable: null),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Open(database, cancellationToken);
        await Execute(connection, $"SELECT pg_advisory_lock({SchemaLockKey})", cancellationToken);
        try
        {
            await Execute(connection, "CREATE TABLE IF NOT EXISTS twin_schema_scripts (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
            foreach (var script in Scripts)
                await Apply(connection, script, cancellationToken);
        }
        finally
        {
            await Execute(connection, $"SELECT pg_advisory_unlock({SchemaLockKey})", CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task Apply(NpgsqlConnection connection, SchemaScript script, CancellationToken cancellationToken)
    {
        if (await Scalar<bool>(connection, "SELECT EXISTS (SELECT 1 FROM twin_schema_scripts WHERE name = @name)", cancellationToken, ("name", script.Name)))
            return;

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var adopted = script.ExistingTable is { } table
            && await Scalar<bool>(connection, "SELECT to_regclass(@table) IS NOT NULL", cancellationToken, ("table", table));
        if (!adopted)
            await Execute(connection, Read(script.Name), cancellationToken);
        await Execute(connection, "INSERT INTO twin_schema_scripts (name) VALUES (@name)", cancellationToken, ("name", script.Name));
        await transaction.CommitAsync(cancellationToken);
        Log.SchemaScriptApplied(logger, script.Name, adopted ? "its tables were already there" : "applied");
    }

    /// <summary>Opens a connection, or stops the start with a sentence that says what to check.</summary>
    public static async Task<NpgsqlConnection> Open(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        try
        {
            return await database.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            var where = new NpgsqlConnectionStringBuilder(database.ConnectionString);
            throw new DatabaseUnavailableException(
                $"cannot reach PostgreSQL at {where.Host}:{where.Port}, database '{where.Database}' (Twin:Postgres): {e.Message}. "
                + "Is it running? 'scripts/postgres-dev.sh start' starts a throwaway one and prints its connection string.", e);
        }
    }

    static string Read(string name)
    {
        var resource = $"Twin.Silo.Persistence.Schema.{name.Replace('/', '.')}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the schema script {resource} is not embedded in the silo");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    sealed record SchemaScript(string Name, string? ExistingTable);
}

public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);
