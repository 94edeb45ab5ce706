using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Silo;

namespace Twin.Tests.Support;

/// <summary>
/// The whole silo as it runs in production — Orleans, the MQTT broker or an external one, ingestion and the HTTP API —
/// on free ports, with the shipped sample community. Command deadlines are short so failures show within seconds.
/// </summary>
public class SiloFixture : IAsyncLifetime
{
    public const string AdminToken = "test-admin-token";

    /// <summary>How a browser signs in to the Orleans dashboard: any user name, the token as password.</summary>
    public static AuthenticationHeaderValue DashboardLogin(string token) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{token}")));
    WebApplication? app;

    public int HttpPort { get; } = FreePort.Next();
    public int MqttPort { get; protected set; } = FreePort.Next();
    public string? ExternalBrokerHost { get; protected set; }
    public HttpClient Http { get; private set; } = null!;
    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    /// <summary>What the silo logged at Information and above, over every start of it.</summary>
    public LogRecorder Logs { get; } = new();

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    readonly int siloPort = FreePort.Next(), gatewayPort = FreePort.Next();
    Dictionary<string, string?> settings = [];

    public virtual async Task InitializeAsync()
    {
        settings = new Dictionary<string, string?>
        {
            ["urls"] = BaseUrl,
            ["TWIN_ADMIN_TOKEN"] = AdminToken,
            ["Twin:Mqtt:Port"] = MqttPort.ToString(),
            ["Twin:Mqtt:Host"] = ExternalBrokerHost,
            ["Twin:Mqtt:ClientId"] = $"twin-test-{HttpPort}",
            ["Twin:Silo:Port"] = siloPort.ToString(),
            ["Twin:Silo:GatewayPort"] = gatewayPort.ToString(),
            ["Twin:Commands:Deadline"] = "00:00:03",
            ["Twin:Commands:FirstResendAfter"] = "00:00:00.500",
            ["Twin:Commands:MaxResendInterval"] = "00:00:01",
            ["Twin:Commands:CheckEvery"] = "00:00:00.200",
            ["Twin:Mqtt:SessionCheckEvery"] = "00:00:00.200",
            ["Twin:Incidents:CheckEvery"] = "00:00:00.200",
            ["Twin:Http:RequestsPerSecond"] = "200",
            ["Twin:Http:Burst"] = "400",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings())
            settings[key] = value;
        Http = Client(AdminToken);
        await StartSilo();
        if (!ShortIncidentDeadlines)
            return;
        // Deadlines of seconds, not minutes, so escalation shows within a test (the same override a community writes in its topology).
        var playbooks = await Http.PostAsJsonAsync("/api/provision", new
        {
            playbooks = new Dictionary<string, object>
            {
                ["fire"] = new { ackWithinSeconds = IncidentAckSeconds },
                ["medical"] = new { ackWithinSeconds = IncidentAckSeconds },
                ["gas_leak"] = new { ackWithinSeconds = IncidentAckSeconds },
            },
        });
        playbooks.EnsureSuccessStatusCode();
    }

    /// <summary>Whether incident tasks get <see cref="IncidentAckSeconds"/> instead of the playbooks' own deadlines.</summary>
    protected virtual bool ShortIncidentDeadlines => true;

    /// <summary>How long a party has to acknowledge an incident task in these tests.</summary>
    public const int IncidentAckSeconds = 2;

    /// <summary>Starts the silo (again) with the same ports and MQTT client id, as a restarted process would.</summary>
    public async Task StartSilo()
    {
        app = TwinHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.AddProvider(Logs);
        });
        await app.StartAsync();
        await Eventually.True(async () => (await Http.GetAsync("/health")).IsSuccessStatusCode, "the silo to be ready", TimeSpan.FromSeconds(30));
    }

    public async Task StopSilo()
    {
        if (app is null)
            return;
        await app.StopAsync();
        await app.DisposeAsync();
        app = null;
    }

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Task<MqttProbe> Device() => MqttProbe.Connect(MqttPort, ExternalBrokerHost);

    public async Task<JsonElement> GetTwin(string kind, string id)
    {
        var response = await Http.GetAsync($"/api/twins/{kind}/{id}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Provisions a fresh twin of <paramref name="kind"/> for one test, so tests never share a twin.</summary>
    public async Task<string> NewTwin(string kind, string building = "B1", string? category = null)
    {
        var id = $"t-{kind}-{Guid.NewGuid():N}"[..24];
        object spec = kind switch
        {
            "household" => new { id, building, unit = 1, floor = 1, members = new[] { new { name = "Test Resident", phone = "+86 138 0000 9999", vulnerability = new[] { "elderly_alone" } } } },
            "bin" => new { id, building, category = category ?? "kitchen" },
            "lamp" or "camera" => new { id, covers = new[] { building } },
            _ => new { id, building },
        };
        var section = kind switch { "household" => "households", "building" => "buildings", _ => kind + "s" };
        var response = await Http.PostAsJsonAsync("/api/provision", new Dictionary<string, object> { [section] = new[] { spec } });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"provisioning {kind} {id} failed: {await response.Content.ReadAsStringAsync()}");
        return id;
    }

    public async Task<double> Metric(string name, string? labelContains = null)
    {
        var text = await Http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labelContains is null || line.Contains(labelContains, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public virtual async Task DisposeAsync()
    {
        await StopSilo();
        Http?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo with embedded broker";
}
