using Microsoft.Extensions.FileProviders;

namespace Twin.Silo.Web;

/// <summary>
/// The operations console: plain ES modules and CSS embedded in the silo (no build step, no CDN; the machine running it
/// may be offline), served at <c>/</c>. The page itself is public; every piece of data it shows comes from the API with
/// the party's token.
/// </summary>
public static class ConsoleSite
{
    const string Policy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

    public static void UseConsoleSite(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(ConsoleSite).Assembly, "Twin.Silo.Web.console");
        app.UseFileServer(new FileServerOptions
        {
            FileProvider = files,
            EnableDefaultFiles = true,
            StaticFileOptions =
            {
                OnPrepareResponse = context =>
                {
                    var headers = context.Context.Response.Headers;
                    // Revalidate each time: after an upgrade the browser must not mix old and new modules.
                    headers.CacheControl = "no-cache";
                    headers.ContentSecurityPolicy = Policy;
                    headers.XContentTypeOptions = "nosniff";
                },
            },
        });
    }
}
