using Orleans.Dashboard;
using Twin.Silo.Security;

namespace Twin.Silo.Http;

/// <summary>Pages for people rather than programs. The Orleans dashboard (grains, silos, reminders) is for the admin only.</summary>
public static class OperatorPages
{
    public const string DashboardPath = "/dashboard";

    public static void MapOperatorPages(this WebApplication app) =>
        app.MapOrleansDashboard(routePrefix: DashboardPath).RequireAccess("dashboard");
}
