using Twin.Silo.Mqtt;
using Twin.Silo.Persistence;
using Twin.Silo.Topology;

namespace Twin.Silo.Http;

/// <summary>
/// Live: the process answers (a supervisor restarts it when not). Ready: it can do its job — topology loaded, both
/// MQTT connections up and, in durable mode, PostgreSQL answering. <c>/health</c> shows every check separately.
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (HttpContext http) => Report(http.RequestServices, readyOnly: false))
            .WithTags("Operations").WithSummary("Every check: topology, database, MQTT ingestion and publishing; 503 while not ready").AllowAnonymous();
        app.MapGet("/health/ready", (HttpContext http) => Report(http.RequestServices, readyOnly: true))
            .WithTags("Operations").WithSummary("200 when the silo can take traffic, 503 otherwise").AllowAnonymous();
        app.MapGet("/health/live", () => Results.Json(new { status = "live" }))
            .WithTags("Operations").WithSummary("200 while the process answers").AllowAnonymous();
    }

    static IResult Report(IServiceProvider services, bool readyOnly)
    {
        var topology = services.GetRequiredService<TopologyLoader>();
        var ingestion = services.GetRequiredService<MqttIngestion>();
        var outbox = services.GetRequiredService<MqttOutbox>();
        var database = services.GetService<DatabaseHealth>();

        var loaded = topology.Loaded.IsCompletedSuccessfully;
        var ready = loaded && ingestion.IsConnected && outbox.IsConnected && (database?.IsUp ?? true);
        var checks = new Dictionary<string, string>
        {
            ["topology"] = loaded ? "loaded" : "loading",
            ["database"] = database?.Describe() ?? "not used: state is in memory",
            ["mqttIngestion"] = ingestion.IsConnected ? "connected" : "disconnected",
            ["mqttPublisher"] = outbox.IsConnected ? "connected" : "disconnected",
        };
        var report = new HealthReport(ready ? "ready" : "degraded", Live: true, ready, readyOnly ? null : checks);
        return Results.Json(report, statusCode: ready ? 200 : 503);
    }

    sealed record HealthReport(string Status, bool Live, bool Ready, Dictionary<string, string>? Checks);
}
