namespace Twin.Parties;

/// <summary>The roles of DESIGN §1; a party in the topology has one of them.</summary>
public static class Roles
{
    public const string Property = "property";
    public const string Committee = "committee";
    public const string Grid = "grid";
    public const string Resident = "resident";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Property, Committee, Grid, "police", "fire", "medical", Resident, Admin];
}
