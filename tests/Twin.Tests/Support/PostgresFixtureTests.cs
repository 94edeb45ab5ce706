using Npgsql;

namespace Twin.Tests.Support;

public sealed class PostgresFixtureTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_created_database_accepts_a_table_and_a_row()
    {
        var database = await postgres.CreateDatabaseAsync("fixture_rows");

        await using var connection = await Open(database);
        await Execute(connection, "CREATE TABLE readings (id int PRIMARY KEY, lux int NOT NULL)");
        await Execute(connection, "INSERT INTO readings VALUES (1, 12)");

        Assert.Equal(12, await Lux(connection, id: 1));
    }

    [Fact]
    public async Task A_paused_server_refuses_connections_and_has_the_row_again_after_resuming()
    {
        var database = await postgres.CreateDatabaseAsync("fixture_pause");
        await using (var connection = await Open(database))
        {
            await Execute(connection, "CREATE TABLE readings (id int PRIMARY KEY, lux int NOT NULL)");
            await Execute(connection, "INSERT INTO readings VALUES (7, 42)");
        }

        await postgres.PauseAsync();
        try
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
            {
                await using var connection = await Open(database);
            });
        }
        finally
        {
            await postgres.ResumeAsync();
        }

        await using var afterResume = await Open(database);
        Assert.Equal(42, await Lux(afterResume, id: 7));
    }

    // Unpooled: a pooled connection from before the pause would open without touching the server.
    static async Task<NpgsqlConnection> Open(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<int> Lux(NpgsqlConnection connection, int id)
    {
        await using var command = new NpgsqlCommand("SELECT lux FROM readings WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
