using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Silo.Security;
using Twin.Silo.Topology;
using Twin.Topology;

namespace Twin.Silo.Http;

public static class ProvisionEndpoints
{
    public static RouteGroupBuilder MapProvisioning(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/provision").WithTags("Provisioning").RequireAccess("provision");
        group.MapPost("/", Provision).WithSummary("Add or change entities; a document shaped like community.json, merged by id");
        return group;
    }

    static async Task<Results<Ok<ProvisionReport>, ProblemHttpResult>> Provision(HttpRequest request, Provisioner provisioner, CancellationToken cancellationToken)
    {
        TopologyDocument document;
        try
        {
            document = await TopologyDocument.Parse(request.Body, cancellationToken);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The body is not a topology document: {e.Message}");
        }
        var report = await provisioner.Apply(document, cancellationToken);
        return report.Problems.IsEmpty
            ? TypedResults.Ok(report)
            : TypedResults.Problem($"Nothing was provisioned. Problems: {string.Join("; ", report.Problems)}", statusCode: 400, title: "Invalid topology",
                extensions: new Dictionary<string, object?> { ["problems"] = report.Problems });
    }
}
