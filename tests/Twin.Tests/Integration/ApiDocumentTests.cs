using System.Text.Json;
using Twin.Silo.Http;
using Twin.Silo.Security;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class ApiDocumentTests(SiloFixture silo)
{
    [Fact]
    public async Task The_openapi_document_has_every_route_of_the_access_matrix_and_the_operations_routes()
    {
        using var anonymous = silo.Client(token: null);
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");

        (string Method, string Path)[] operations = [("GET", "/health"), ("GET", "/health/ready"), ("GET", "/health/live"), ("GET", "/metrics")];
        var missing = AccessMatrix.Routes.Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)).SelectMany(r => Paths(r.Path).Select(path => (r.Method, Path: path))).Concat(operations)
            .Where(r => !paths.TryGetProperty(r.Path, out var item) || !item.TryGetProperty(r.Method.ToLowerInvariant(), out _))
            .Select(r => $"{r.Method} {r.Path}")
            .ToList();
        Assert.True(missing.Count == 0, $"missing from /openapi/v1.json: {string.Join(", ", missing)}");
        Assert.Equal("http", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
    }

    /// <summary>The matrix writes sibling routes in one row: <c>/a/{id}/ack · /complete</c>.</summary>
    static IEnumerable<string> Paths(string row)
    {
        var parts = row.Split(" · ");
        var stem = parts[0][..parts[0].LastIndexOf('/')];
        return parts.Skip(1).Select(last => stem + last).Prepend(parts[0]);
    }

    [Fact]
    public async Task The_api_reference_page_is_served_by_the_silo_with_nothing_from_the_internet()
    {
        using var anonymous = silo.Client(token: null);
        var page = await anonymous.GetStringAsync(ApiDocuments.ReferencePath + "/");

        Assert.Contains("openapi/v1.json", page);
        Assert.DoesNotContain("https://", page);
        Assert.DoesNotContain("http://", page);
        var script = await anonymous.GetAsync(ApiDocuments.ReferencePath + "/scalar.js");
        Assert.True(script.IsSuccessStatusCode);
        Assert.True(script.Content.Headers.ContentLength > 100_000);
    }
}
