using Npgsql;
using Twin.Silo.Persistence;

namespace Twin.Tests.Durable;

/// <summary>Orleans' providers connect with the operator's own settings, without Npgsql's reset of a pooled connection.</summary>
public sealed class OrleansConnectionsTests
{
    [Fact]
    public void The_operators_settings_are_kept_and_the_pool_reset_is_off()
    {
        var configured = "Host=db.example;Port=5433;Database=twin;Username=twin;Password=s3cret;Timeout=7;Maximum Pool Size=40";

        var used = new NpgsqlConnectionStringBuilder(OrleansConnections.For(configured));

        Assert.True(used.NoResetOnClose);
        Assert.Equal(("db.example", 5433, "twin", "twin", "s3cret", 7, 40),
            (used.Host, used.Port, used.Database, used.Username, used.Password, used.Timeout, used.MaxPoolSize));
    }

    [Fact]
    public void A_connection_string_Npgsql_cannot_read_fails_with_its_message()
    {
        var error = Assert.Throws<ArgumentException>(() => OrleansConnections.For("Host=db;Maximum Pool Sise=4"));

        Assert.Contains("maximum pool sise", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
