using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Twin;

/// <summary>The address of a twin, <c>{kind}/{id}</c>: the same string in topics, URLs, grain keys and logs.</summary>
[GenerateSerializer, Immutable, Alias("twin.id")]
public readonly partial record struct TwinId([property: Id(0)] string Kind, [property: Id(1)] string Id)
{
    public const string IdPattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

    public override string ToString() => $"{Kind}/{Id}";

    public static bool IsValidId([NotNullWhen(true)] string? id) => id is not null && IdRegex().IsMatch(id);

    /// <summary>Accepts a kind registered in <see cref="TwinKinds"/> and an id matching <see cref="IdPattern"/>.</summary>
    public static bool TryCreate(string? kind, string? id, out TwinId twin)
    {
        twin = default;
        if (kind is null || !TwinKinds.TryGetKnown(kind, out var known) || !IsValidId(id))
            return false;
        twin = new TwinId(known, id);
        return true;
    }

    public static bool TryParse(string? address, out TwinId twin)
    {
        twin = default;
        var slash = address?.IndexOf('/') ?? -1;
        return slash > 0 && TryCreate(address![..slash], address[(slash + 1)..], out twin);
    }

    public static TwinId Parse(string address) =>
        TryParse(address, out var twin) ? twin : throw new FormatException($"'{address}' is not a twin address of the form kind/id.");

    [GeneratedRegex(IdPattern)]
    private static partial Regex IdRegex();
}
