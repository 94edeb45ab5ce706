using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Twin.Silo;
using Twin.Twins;

namespace Twin.Tests.Durable;

/// <summary>
/// How long a twin holds plain telemetry before storing it depends on the store: with PostgreSQL, 30 s (what a restart
/// replays from the history); in memory, until the twin is deactivated, since that store dies with the process anyway.
/// </summary>
public sealed class TelemetryWindowTests
{
    static async Task<DeviceTwinOptions> ResolvedFor(params string[] args)
    {
        await using var app = TwinHost.Build(args);
        return app.Services.GetRequiredService<IOptions<DeviceTwinOptions>>().Value;
    }

    [Fact]
    public async Task In_memory_a_twin_stores_telemetry_when_it_is_deactivated_not_on_a_timer()
    {
        var options = await ResolvedFor();

        Assert.Equal(Timeout.InfiniteTimeSpan, options.CoalesceTelemetryFor);
        Assert.True(options.Coalesces);
        Assert.Null(options.FlushEvery);
    }

    [Fact]
    public async Task With_PostgreSQL_a_twin_stores_telemetry_within_30_seconds()
    {
        var options = await ResolvedFor("--Twin:Postgres=Host=127.0.0.1;Port=1;Database=none");

        Assert.Equal(TimeSpan.FromSeconds(30), options.FlushEvery);
    }

    [Theory]
    [InlineData("00:00:00", false, null)]
    [InlineData("00:00:05", true, 5.0)]
    public async Task A_configured_window_wins_over_the_default(string configured, bool coalesces, double? flushSeconds)
    {
        var options = await ResolvedFor($"--Twin:Twins:CoalesceTelemetryFor={configured}");

        Assert.Equal(coalesces, options.Coalesces);
        Assert.Equal(flushSeconds, options.FlushEvery?.TotalSeconds);
    }

    [Fact]
    public async Task A_negative_window_other_than_infinite_stops_the_silo_with_a_message()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ResolvedFor("--Twin:Twins:CoalesceTelemetryFor=-00:00:05"));

        Assert.Contains("until the twin is deactivated", error.Message);
    }
}
