using System.Net;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class DashboardTests(SiloFixture silo)
{
    [Fact]
    public async Task A_browser_without_credentials_is_asked_for_the_admin_token()
    {
        using var browser = silo.Client(token: null);
        var response = await browser.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic realm=", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task The_admin_sees_the_orleans_dashboard_and_its_live_counters_and_nobody_else_does()
    {
        using var admin = silo.Client(token: null);
        admin.DefaultRequestHeaders.Authorization = SiloFixture.DashboardLogin(SiloFixture.AdminToken);
        Assert.Contains("Orleans Dashboard", await admin.GetStringAsync("/dashboard/"));
        var counters = await admin.GetAsync("/dashboard/DashboardCounters");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        Assert.Contains("totalActivationCount", await counters.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        using var property = silo.Client(token: null);
        property.DefaultRequestHeaders.Authorization = SiloFixture.DashboardLogin("demo-property");
        Assert.Equal(HttpStatusCode.Forbidden, (await property.GetAsync("/dashboard/DashboardCounters")).StatusCode);
    }
}
