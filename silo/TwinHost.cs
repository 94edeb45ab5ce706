using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using OpenTelemetry.Metrics;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Twin.Care;
using Twin.Deadlines;
using Twin.Feedback;
using Twin.History;
using Twin.Live;
using Twin.Incidents;
using Twin.Silo.Cluster;
using Twin.Silo.Web;
using Twin.Silo.Persistence;
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
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.MaxSessionExpiry > TimeSpan.Zero && o.SessionCheckEvery > TimeSpan.Zero,
                $"{MqttOptions.Section}:{nameof(MqttOptions.MaxSessionExpiry)} and {nameof(MqttOptions.SessionCheckEvery)} must be longer than 0.")
            .ValidateOnStart();
        services.AddOptions<CommandOptions>().BindConfiguration(CommandOptions.Section);
        var postgres = configuration[$"{TwinOptions.Section}:Postgres"];
        var dashboard = configuration.GetValue($"{TwinOptions.Section}:{nameof(TwinOptions.Dashboard)}", true);
        services.AddOptions<DeviceTwinOptions>()
            .Configure(o => o.CoalesceTelemetryFor = DeviceTwinOptions.DefaultFor(durableStore: !string.IsNullOrWhiteSpace(postgres)))
            .BindConfiguration(DeviceTwinOptions.Section)
            .Validate(o => o.IsValid, $"{DeviceTwinOptions.Section}:{nameof(DeviceTwinOptions.CoalesceTelemetryFor)} must be a window of 0 or more (0 stores every message at once) or -00:00:00.001 (until the twin is deactivated).")
            .ValidateOnStart();
        services.AddOptions<IncidentOptions>().BindConfiguration(IncidentOptions.Section);
        services.AddOptions<FeedbackOptions>().BindConfiguration(FeedbackOptions.Section);
        services.AddOptions<CareOptions>().BindConfiguration(CareOptions.Section);
        services.AddOptions<DeadlineOptions>().BindConfiguration(DeadlineOptions.Section)
            .Validate(o => o.ReminderPeriod >= TimeSpan.FromSeconds(10), $"{DeadlineOptions.Section}:{nameof(DeadlineOptions.ReminderPeriod)} must be at least 10 s (Orleans reminders are not more frequent).")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<SiloIdentity>().BindConfiguration(SiloIdentity.Section);
        services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<HistoryMetrics>();
        var identity = configuration.GetSection(SiloIdentity.Section).Get<SiloIdentity>() ?? new SiloIdentity();
        if (string.IsNullOrWhiteSpace(postgres))
            services.AddSingleton<IHistoryLog, MemoryHistory>();
        else
            AddDurableServices(services, postgres);

        builder.UseOrleans(silo =>
        {
            if (string.IsNullOrWhiteSpace(postgres))
            {
                silo.UseLocalhostClustering(identity.Port, identity.GatewayPort);
                silo.Services.AddGrainStorage(TwinStorage.Name, (services, _) => ActivatorUtilities.CreateInstance<InProcessGrainStorage>(services));
                silo.UseInMemoryReminderService();
            }
            else
                UsePostgres(silo, postgres, identity);
            // Orleans' reminder minimum must allow both the incidents' reminders and the deadlines' (feedback, polls, welfare).
            var incidentPeriod = configuration.GetValue($"{IncidentOptions.Section}:{nameof(IncidentOptions.ReminderPeriod)}", new IncidentOptions().ReminderPeriod);
            var deadlinePeriod = configuration.GetValue($"{DeadlineOptions.Section}:{nameof(DeadlineOptions.ReminderPeriod)}", new DeadlineOptions().ReminderPeriod);
            silo.UseTwinDefaults(incidentPeriod < deadlinePeriod ? incidentPeriod : deadlinePeriod);
            if (dashboard)
                silo.AddDashboard();
        });

        services.AddSingleton<TwinMetrics>();
        services.AddSingleton<ParticipationMetrics>();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<StreamMetrics>();
        services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TwinChangeFeed>();
        services.AddSingleton<TwinServices>();
        services.AddSingleton<ITwinOutput, TwinOutput>();
        services.AddSingleton<ILiveUpdates, LiveUpdates>();
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
        services.AddHostedService<BrokerSessions>();
        services.AddSingleton<TopologyLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<TopologyLoader>());
        services.AddSingleton<MqttOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttOutbox>());
        services.AddSingleton<MqttIngestion>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttIngestion>());
        services.AddHostedService<DeadSiloSessions>();
        services.AddHostedService<StartupBanner>();

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = HttpLimits.MaxBodyBytes);
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = HttpLimits.PerParty(configuration);
            limiter.OnRejected = HttpLimits.Rejected;
        });
        services.AddProblemDetails();
        services.AddApiDocuments();
        services.ConfigureHttpJsonOptions(o => TwinJson.Configure(o.SerializerOptions));
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddAccessMatrix();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ResidentOwnHouseholdHandler>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(TwinMetrics.MeterName, ParticipationMetrics.MeterName, IngestMetrics.MeterName, BrokerSessions.MeterName, StreamMetrics.MeterName, HistoryMetrics.MeterName)
            // .NET's own: GC collections and pause time, heap sizes, thread pool queue, CPU, exceptions.
            .AddMeter("System.Runtime")
            .AddPrometheusExporter());

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseConsoleSite();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapHealth();
        app.MapApiDocuments();
        if (dashboard)
            app.MapOperatorPages();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapSession();
        app.MapKinds();
        app.MapTwins();
        app.MapCommunities();
        app.MapStream();
        app.MapWorkOrders();
        app.MapIncidents();
        app.MapFeedback();
        app.MapPolls();
        app.MapNotices();
        app.MapWelfare();
        app.MapAudit();
        app.MapProvisioning();
        app.MapDiagnostics();
        return app;
    }

    /// <summary>
    /// Durable mode's services, started in this order before Orleans: the schema is applied, the database is watched,
    /// the history writer runs (and, stopping after Orleans, flushes what the grains wrote last).
    /// </summary>
    static void AddDurableServices(IServiceCollection services, string postgres)
    {
        services.AddSingleton(_ => NpgsqlDataSource.Create(postgres));
        services.AddHostedService<DatabaseSchema>();
        services.AddSingleton<DatabaseHealth>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseHealth>());
        services.AddSingleton<PostgresHistory>();
        services.AddSingleton<IHistoryLog>(sp => sp.GetRequiredService<PostgresHistory>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresHistory>());
    }

    static void UsePostgres(ISiloBuilder silo, string connectionString, SiloIdentity identity)
    {
        const string invariant = "Npgsql";
        var postgres = OrleansConnections.For(connectionString);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = identity.ClusterId;
            o.ServiceId = "twin";
        });
        silo.Configure<SiloOptions>(o => o.SiloName = identity.SiloName);
        silo.ConfigureEndpoints(identity.AdvertisedAddress, identity.Port, identity.GatewayPort);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = postgres;
        });
        silo.AddAdoNetGrainStorage(TwinStorage.Name, o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = postgres;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = invariant;
            o.ConnectionString = postgres;
        });
    }
}
