namespace Twin.Parties;

/// <summary>The roles of DESIGN §1; a party in the topology has one of them.</summary>
public static class Roles
{
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = ["property", "committee", "grid", "police", "fire", "medical", "resident", Admin];
}
