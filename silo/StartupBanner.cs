using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Twin.Silo.Mqtt;
using Twin.Silo.Security;
using Twin.Silo.Topology;

namespace Twin.Silo;

/// <summary>Tells the person who started the silo where everything is, where state lives, and the admin token.</summary>
public sealed class StartupBanner(
    IHostApplicationLifetime lifetime, IServer server, IOptions<MqttOptions> mqtt, IOptions<TwinOptions> twin,
    AdminToken admin, TopologyLoader topology, IOptions<Cluster.SiloIdentity> identity) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    void Print()
    {
        var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "?";
        var m = mqtt.Value;
        var lines = new List<string>
        {
            "",
            "Twin is running.",
            $"  Console    {url}/   (operations console: sign in with a party token)",
            $"  API        {url}/api   (e.g. {url}/api/twins/lamp/L-01)",
            $"  API docs   {url}{Http.ApiDocuments.ReferencePath}/   (OpenAPI: {url}/openapi/v1.json)",
            $"  Metrics    {url}/metrics",
            twin.Value.Dashboard
                ? $"  Dashboard  {url}{Http.OperatorPages.DashboardPath}/   (Orleans; admin only: any user name, the admin token as password)"
                : "  Dashboard  off (Twin:Dashboard=false)",
            m.IsEmbedded ? $"  MQTT       embedded broker on {m.BindAddress}:{m.Port}" : $"  MQTT       external broker {m.Host}:{m.Port}",
            $"  Community  {topology.Community} ({topology.Twins} twins) from {twin.Value.TopologyPath}",
            string.IsNullOrEmpty(twin.Value.Postgres)
                ? "  Storage    state is in memory: it is lost when the silo stops (set Twin:Postgres for durable mode)"
                : $"  Storage    PostgreSQL {Where(twin.Value.Postgres)}: twins, incidents, work orders, audit, reminders, cluster membership and history",
            $"  Silo       {identity.Value.SiloName} (silo port {identity.Value.Port}, gateway {identity.Value.GatewayPort})",
            admin.Generated
                ? $"  Admin      TWIN_ADMIN_TOKEN={admin.Value}   (generated for this run; set TWIN_ADMIN_TOKEN to choose one)"
                : "  Admin      token from TWIN_ADMIN_TOKEN",
            "",
        };
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
        Console.Out.Flush();
    }

    static string Where(string connectionString)
    {
        var parts = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return $"{parts.Host}:{parts.Port}/{parts.Database}";
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
