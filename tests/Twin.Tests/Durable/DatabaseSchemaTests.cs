using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Twin.Silo.Persistence;
using Twin.Tests.Support;

namespace Twin.Tests.Durable;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

[Collection(PostgresCollection.Name)]
public sealed class DatabaseSchemaTests(PostgresFixture postgres)
{
    static readonly string[] Tables = ["orleansquery", "orleansstorage", "orleansmembershiptable", "orleansreminderstable", "twin_history", "twin_schema_scripts"];

    [Fact]
    public async Task A_fresh_database_gets_every_table_and_applying_again_changes_nothing()
    {
        await using var database = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("schema"));

        await Apply(database);
        var queriesAfterFirst = await Count(database, "SELECT count(*) FROM orleansquery");
        await Apply(database);

        foreach (var table in Tables)
            Assert.True(await Exists(database, table), $"table {table} is missing");
        Assert.Equal(5, await Count(database, "SELECT count(*) FROM twin_schema_scripts"));
        Assert.Equal(queriesAfterFirst, await Count(database, "SELECT count(*) FROM orleansquery"));
    }

    [Fact]
    public async Task Three_silos_starting_at_once_apply_it_once()
    {
        await using var database = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("schema3"));

        await Task.WhenAll(Apply(database), Apply(database), Apply(database));

        Assert.Equal(5, await Count(database, "SELECT count(*) FROM twin_schema_scripts"));
    }

    [Fact]
    public async Task A_database_that_cannot_be_reached_stops_the_start_with_what_to_check()
    {
        var port = FreePort.Next();
        await using var database = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=postgres;Database=twin;Timeout=3");

        var error = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => Apply(database));

        Assert.Contains($"cannot reach PostgreSQL at 127.0.0.1:{port}, database 'twin'", error.Message);
        Assert.Contains("scripts/postgres-dev.sh start", error.Message);
    }

    static Task Apply(NpgsqlDataSource database) =>
        new DatabaseSchema(database, NullLogger<DatabaseSchema>.Instance).StartAsync(CancellationToken.None);

    static async Task<long> Count(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    static async Task<bool> Exists(NpgsqlDataSource database, string table)
    {
        await using var command = database.CreateCommand($"SELECT to_regclass('{table}') IS NOT NULL");
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
