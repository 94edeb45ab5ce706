using Twin.Silo.Mqtt;
using Twin.Silo.Topology;

namespace Twin.Silo.Http;

public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", Health).WithTags("Operations").WithSummary("Liveness and readiness: topology, MQTT ingestion and publishing").AllowAnonymous();

    static IResult Health(TopologyLoader topology, MqttIngestion ingestion, MqttOutbox outbox)
    {
        var loaded = topology.Loaded.IsCompletedSuccessfully;
        var report = new HealthReport(
            loaded && ingestion.IsConnected && outbox.IsConnected ? "ready" : "degraded",
            new Dictionary<string, string>
            {
                ["topology"] = loaded ? "loaded" : "loading",
                ["mqttIngestion"] = ingestion.IsConnected ? "connected" : "disconnected",
                ["mqttPublisher"] = outbox.IsConnected ? "connected" : "disconnected",
                ["storage"] = "memory",
            });
        return Results.Json(report, statusCode: report.Status == "ready" ? 200 : 503);
    }

    sealed record HealthReport(string Status, Dictionary<string, string> Checks);
}
