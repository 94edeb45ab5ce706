using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Twin.Silo.Http;

/// <summary>The OpenAPI document of every route (<c>/openapi/v1.json</c>) and a browsable reference over it, served offline.</summary>
public static class ApiDocuments
{
    public const string ReferencePath = "/api-reference";

    public static IServiceCollection AddApiDocuments(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Twin",
                Version = "v1",
                Description = "The live digital twin of a residential community: twins, incidents, work orders, history and the live stream. "
                    + "Every /api route takes `Authorization: Bearer <token>`; which roles may call which route is in docs/security.md.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A party's token from the topology, or the admin token (TWIN_ADMIN_TOKEN).",
            };
            // Mapped by the Prometheus exporter as a plain request delegate, which the API explorer does not see.
            document.Paths ??= new OpenApiPaths();
            document.Paths["/metrics"] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Get] = new OpenApiOperation
                    {
                        Summary = "Prometheus text metrics (ingestion, grains, history, HTTP); no token needed",
                        Tags = new HashSet<OpenApiTagReference> { new("Operations", document) },
                        Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "text/plain; version=0.0.4" } },
                    },
                },
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            return Task.CompletedTask;
        }));

    public static void MapApiDocuments(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, options => options.WithTitle("Twin API")).AllowAnonymous();
    }
}
