using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using OpenTelemetry.Metrics;
using Twin.Incidents;
using Twin.Silo.Http;
using Twin.Silo.Mqtt;
using Twin.Silo.Security;
using Twin.Silo.Streaming;
using Twin.Silo.Topology;
using Twin.Silo.Twins;
using Twin.Twins;

namespace Twin.Silo;

/// <summary>Composes the silo: Orleans, the MQTT broker and ingestion, the HTTP API. Tests build the same host.</summary>
public static class TwinHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls("http://127.0.0.1:8080");
        configure?.Invoke(builder);

        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<TwinOptions>().BindConfiguration(TwinOptions.Section);
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CommandOptions>().BindConfiguration(CommandOptions.Section);
        services.AddOptions<IncidentOptions>().BindConfiguration(IncidentOptions.Section);
        services.AddSingleton(TimeProvider.System);

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: configuration.GetValue("Twin:Silo:Port", 11111),
                gatewayPort: configuration.GetValue("Twin:Silo:GatewayPort", 30000));
            silo.AddMemoryGrainStorage(TwinStorage.Name);
            silo.UseInMemoryReminderService();
        });

        services.AddSingleton<TwinMetrics>();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<StreamMetrics>();
        services.AddSingleton<TwinChangeFeed>();
        services.AddSingleton<TwinServices>();
        services.AddSingleton<ITwinOutput, TwinOutput>();
        services.AddSingleton<IIncidentReporter, DeskIncidentReporter>();
        services.AddSingleton(AdminToken.FromEnvironment(configuration["TWIN_ADMIN_TOKEN"]));
        services.AddSingleton<PartyRegistry>();
        services.AddSingleton<IPartyDirectory>(sp => sp.GetRequiredService<PartyRegistry>());
        services.AddSingleton<Provisioner>();
        services.AddSingleton<DeadLetters>();
        services.AddSingleton<PersonalData>();
        services.AddSingleton<DeviceCredentials>();
        services.AddSingleton<SiloMqttAccount>();

        // Start order matters: the broker, then the topology (twins exist), then publishing, then ingestion.
        services.AddSingleton<EmbeddedBroker>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        services.AddSingleton<TopologyLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<TopologyLoader>());
        services.AddSingleton<MqttOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttOutbox>());
        services.AddSingleton<MqttIngestion>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttIngestion>());
        services.AddHostedService<StartupBanner>();

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = HttpLimits.MaxBodyBytes);
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = HttpLimits.PerParty(configuration);
            limiter.OnRejected = HttpLimits.Rejected;
        });
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => TwinJson.Configure(o.SerializerOptions));
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddAccessMatrix();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ResidentOwnHouseholdHandler>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(TwinMetrics.MeterName, IngestMetrics.MeterName, StreamMetrics.MeterName)
            .AddPrometheusExporter());

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapTwins();
        app.MapCommunities();
        app.MapStream();
        app.MapWorkOrders();
        app.MapIncidents();
        app.MapAudit();
        app.MapProvisioning();
        return app;
    }
}
