using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Twin.Silo.Security;

namespace Twin.Silo.Http;

/// <summary>
/// What protects the API from abuse: bodies of at most 64 KiB, and a token bucket per party (per address for requests
/// without a known token) — <c>Twin:Http:RequestsPerSecond</c> refilled each second, up to <c>Twin:Http:Burst</c>.
/// </summary>
public static class HttpLimits
{
    public const long MaxBodyBytes = 64 * 1024;

    public static PartitionedRateLimiter<HttpContext> PerParty(IConfiguration configuration)
    {
        var perSecond = configuration.GetValue("Twin:Http:RequestsPerSecond", 50);
        var burst = configuration.GetValue("Twin:Http:Burst", 100);
        return PartitionedRateLimiter.Create<HttpContext, string>(http =>
        {
            if (!http.Request.Path.StartsWithSegments("/api"))
                return RateLimitPartition.GetNoLimiter("operations");
            var key = http.CurrentParty() is { } party ? $"party:{party.Id}" : $"address:{http.Connection.RemoteIpAddress}";
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    public static async ValueTask Rejected(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await http.Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = 429,
            Title = "Too many requests",
            Detail = $"This party sent more requests than it may; try again in {retryAfter} s.",
        }, TwinJson.Options, "application/problem+json", cancellationToken);
    }
}
