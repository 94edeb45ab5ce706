using Microsoft.AspNetCore.Http.HttpResults;

namespace Twin.Silo.Http;

/// <summary>The problem+json answers the API gives, each with a sentence a person can act on.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: 404, title: "Not found");

    public static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: 400, title: "Bad request");

    public static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: 403, title: "Not allowed for this party");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: 409, title: "Not possible now");

    public static ProblemHttpResult Unavailable(string detail) => TypedResults.Problem(detail, statusCode: 503, title: "Not ready");

    /// <summary>A grain's refusal as the API answers it: nothing there 404, not this party's to do 403, not possible now 409.</summary>
    public static ProblemHttpResult Refused(string reason, bool notFound, bool forbidden) =>
        notFound ? NotFound(Sentence(reason)) : forbidden ? Forbidden(Sentence(reason)) : Conflict(Sentence(reason));

    /// <summary>A grain's reason ("the work order is already done") as the sentence a problem's detail gives.</summary>
    public static string Sentence(string reason) => $"{char.ToUpperInvariant(reason[0])}{reason[1..]}{(reason.EndsWith('.') ? "" : ".")}";

    /// <summary>Checks a twin address from a URL: unknown kinds are 404, ids outside the id pattern are 400.</summary>
    public static ProblemHttpResult? CheckTwin(string kind, string id, out TwinId twin)
    {
        twin = default;
        if (global::Twin.Twins.KindRegistry.Find(kind) is null)
            return NotFound($"There is no twin kind '{kind}'. Kinds: {string.Join(", ", global::Twin.Twins.KindRegistry.All.Select(k => k.Kind))}.");
        if (!TwinId.IsValidId(id))
            return BadRequest($"'{id}' is not a valid id: ids match {TwinId.IdPattern}.");
        twin = new TwinId(kind, id);
        return null;
    }
}
