using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Twin.Silo.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> → the party the token belongs to. A browser page that cannot send a
/// bearer header (the Orleans dashboard) may use Basic authentication with the token as the password; its 401 asks
/// the browser for it. 401 and 403 answer as problem+json.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, PartyRegistry parties)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    public const string SchemeName = "Bearer";
    public const string PartyIdClaim = "twin:party";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return Task.FromResult(AuthenticateResult.NoResult());
        string token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = header["Bearer ".Length..].Trim();
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && PasswordOf(header["Basic ".Length..].Trim()) is { } password)
            token = password;
        else
            return Fail("the Authorization header must be 'Bearer <token>'");

        var party = parties.Resolve(token);
        if (party is null)
            return Fail("the bearer token is not known to this deployment");

        var identity = new ClaimsIdentity(
            [new Claim(PartyIdClaim, party.Id), new Claim(ClaimTypes.Name, party.Name), new Claim(ClaimTypes.Role, party.Role)], SchemeName);
        Context.Items[typeof(Party)] = party;
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    static string? PasswordOf(string basic)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(basic));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : text[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    Task<AuthenticateResult> Fail(string why)
    {
        Context.Items[FailureKey] = why;
        return Task.FromResult(AuthenticateResult.Fail(why));
    }

    const string FailureKey = "twin:auth-failure";

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = Request.Path.StartsWithSegments(Http.OperatorPages.DashboardPath)
            ? "Basic realm=\"Twin dashboard: any user name, the admin token as password\", charset=\"UTF-8\""
            : "Bearer";
        var failure = Context.Items.TryGetValue(FailureKey, out var why) ? why as string : null;
        await Problem(StatusCodes.Status401Unauthorized, "Authentication required",
            failure is null
                ? "Send 'Authorization: Bearer <token>'. The admin token is TWIN_ADMIN_TOKEN (printed by the silo at start when generated)."
                : Http.Problems.Sentence(failure));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, "Not allowed for this party",
            $"The party '{Context.CurrentParty()?.Id}' (role {Context.CurrentParty()?.Role}) may not use {Request.Method} {Request.Path}.");

    async Task Problem(int status, string title, string detail)
    {
        Response.StatusCode = status;
        var context = new ProblemDetailsContext { HttpContext = Context, ProblemDetails = { Status = status, Title = title, Detail = detail } };
        // The problem writer declines clients that accept no JSON (an SSE client sends Accept: text/event-stream);
        // they still get the problem, as problem+json.
        if (!await Context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(context))
            await Response.WriteAsJsonAsync(context.ProblemDetails, TwinJson.Options, "application/problem+json");
    }
}

public static class PartyHttpExtensions
{
    public static Party? CurrentParty(this HttpContext context) => context.Items.TryGetValue(typeof(Party), out var party) ? party as Party : null;

    public static Party RequireParty(this HttpContext context) =>
        context.CurrentParty() ?? throw new InvalidOperationException("The endpoint requires authorization but no party was resolved.");
}
