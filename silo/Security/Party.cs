using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Twin.Incidents;
using Twin.Topology;

namespace Twin.Silo.Security;

/// <summary>Someone who calls the API: a party from the topology, or the deployment's admin.</summary>
public sealed record Party(string Id, string Role, string Name, ImmutableArray<string> Buildings, string? Household)
{
    public const string AdminRole = "admin";

    public bool IsAdmin => Role == AdminRole;
}

/// <summary>
/// Bearer tokens → parties. Only SHA-256 hashes are held (the topology never stores a token); a presented token is
/// hashed and compared in constant time.
/// </summary>
public sealed class PartyRegistry : IPartyDirectory
{
    ImmutableDictionary<string, Party> byTokenHash = ImmutableDictionary<string, Party>.Empty;

    public PartyRegistry(AdminToken admin) =>
        byTokenHash = byTokenHash.SetItem(Hash(admin.Value), new Party("admin", Party.AdminRole, "Administrator", [], null));

    public int Count => byTokenHash.Count;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public Party? Resolve(string token)
    {
        // Looked up by the SHA-256 of the presented token: how long a comparison takes can only tell an attacker about
        // a hash they cannot steer, never about the token itself.
        return byTokenHash.GetValueOrDefault(Hash(token));
    }

    public IReadOnlyList<string> PartiesFor(string role, string? building) =>
        byTokenHash.Values
            .Where(p => p.Role == role && (role != "grid" || building is null || p.Buildings.IsEmpty || p.Buildings.Contains(building)))
            .Select(p => p.Id).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Adds or replaces the parties of a topology document. Returns how many were added or changed.</summary>
    public int Merge(IEnumerable<PartySpec> parties)
    {
        var changed = 0;
        var next = byTokenHash;
        foreach (var spec in parties.Where(p => p.TokenSha256 is not null))
        {
            var party = new Party(spec.Id, spec.Role, spec.Name ?? spec.Id, [.. spec.Buildings], spec.Household);
            foreach (var old in next.Where(kv => kv.Value.Id == party.Id && kv.Key != spec.TokenSha256).ToList())
                next = next.Remove(old.Key);
            var key = spec.TokenSha256!.ToLowerInvariant();
            if (!next.TryGetValue(key, out var existing) || existing != party)
                changed++;
            next = next.SetItem(key, party);
        }
        byTokenHash = next;
        return changed;
    }
}

/// <summary>The admin's bearer token: <c>TWIN_ADMIN_TOKEN</c>, or generated at start and printed once.</summary>
public sealed class AdminToken(string value, bool generated)
{
    public string Value => value;
    public bool Generated => generated;

    public static AdminToken FromEnvironment(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? new AdminToken(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('='), true)
            : new AdminToken(configured, false);
}
