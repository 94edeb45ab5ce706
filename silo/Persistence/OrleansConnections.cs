using Npgsql;

namespace Twin.Silo.Persistence;

/// <summary>How Orleans' ADO.NET providers (grain state, clustering, reminders) connect to PostgreSQL.</summary>
public static class OrleansConnections
{
    /// <summary>
    /// The operator's connection string, with Npgsql's reset of a pooled connection turned off. By default Npgsql
    /// sends <c>DISCARD ALL</c> before a pooled connection is used again: a transaction of its own, and it throws away
    /// the plans PostgreSQL cached in that session, so the PL/pgSQL function behind every grain-state write planned its
    /// statements again on every write. That doubled PostgreSQL's CPU per stored message (BENCHMARKS.md, *Before and
    /// after*). Orleans' providers leave no session state behind: a statement or a transaction, then the connection
    /// goes back. The silo's own connections (schema lock, history) keep Npgsql's default.
    /// </summary>
    public static string For(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
}
