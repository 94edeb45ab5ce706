using System.Net;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

/// <summary>A silo run without the Orleans dashboard (Twin:Dashboard=false), as a large community may choose.</summary>
public sealed class NoDashboardFixture : SiloFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Twin:Dashboard", "false")];
}

public sealed class NoDashboardTests(NoDashboardFixture silo) : IClassFixture<NoDashboardFixture>
{
    [Fact]
    public async Task Without_the_dashboard_its_pages_are_not_there_and_the_rest_of_the_silo_is()
    {
        using var admin = silo.Client(token: null);
        admin.DefaultRequestHeaders.Authorization = SiloFixture.DashboardLogin(SiloFixture.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/DashboardCounters")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/api/twins/lamp/L-01")).StatusCode);
    }
}
