using System.Text.Json;
using System.Text.Json.Serialization;

namespace Twin.Topology;

/// <summary>The topology file (<c>community.json</c>, DESIGN §6) as it is written. Every section is optional when provisioning.</summary>
public sealed record TopologyDocument
{
    public CommunitySpec? Community { get; init; }
    public List<BuildingSpec> Buildings { get; init; } = [];
    public List<HouseholdSpec> Households { get; init; } = [];
    public List<DeviceSpec> Gates { get; init; } = [];
    public List<DeviceSpec> Lamps { get; init; } = [];
    public List<DeviceSpec> Bins { get; init; } = [];
    public List<DeviceSpec> Cameras { get; init; } = [];
    public List<PartySpec> Parties { get; init; } = [];
    public List<DeviceCredentialSpec> Devices { get; init; } = [];
    public Dictionary<string, JsonElement> Playbooks { get; init; } = [];

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static TopologyDocument Parse(string json) =>
        JsonSerializer.Deserialize<TopologyDocument>(json, JsonOptions) ?? throw Empty();

    /// <summary>Reads the document from a stream, so a 100k-twin file (55 MB) never becomes one string of twice its size.</summary>
    public static async Task<TopologyDocument> Parse(Stream json, CancellationToken cancellationToken) =>
        await JsonSerializer.DeserializeAsync<TopologyDocument>(json, JsonOptions, cancellationToken) ?? throw Empty();

    static JsonException Empty() => new("the topology document is empty (null)");
}

public sealed record CommunitySpec(string Id, string? Name);

public sealed record Position(double X, double Y);

public sealed record BuildingSpec
{
    public string Id { get; init; } = "";
    public string? Name { get; init; }
    public int? Units { get; init; }
    public int? Floors { get; init; }
    public Position? Position { get; init; }
    public List<string> Neighbours { get; init; } = [];
}

public sealed record HouseholdSpec
{
    public string Id { get; init; } = "";
    public string? Building { get; init; }
    public int? Unit { get; init; }
    public int? Floor { get; init; }
    public List<MemberSpec> Members { get; init; } = [];
}

public sealed record MemberSpec(string Name, string? Phone, List<string>? Vulnerability);

/// <summary>A gate, lamp, bin or camera: where it is and what it covers.</summary>
public sealed record DeviceSpec
{
    public string Id { get; init; } = "";
    public string? Name { get; init; }
    public string? Building { get; init; }
    public Position? Position { get; init; }
    public List<string> Covers { get; init; } = [];
    public string? Category { get; init; }
}

public sealed record PartySpec
{
    public string Id { get; init; } = "";
    public string Role { get; init; } = "";
    public string? Name { get; init; }
    public string? TokenSha256 { get; init; }
    public List<string> Buildings { get; init; } = [];
    public string? Household { get; init; }
}

public sealed record DeviceCredentialSpec(string Twin, string Username, string SecretSha256);
