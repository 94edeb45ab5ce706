namespace Twin;

/// <summary>The kinds of twin that exist. Device kinds carry a schema (<see cref="Schema.KindSchemas"/>).</summary>
public static class TwinKinds
{
    public const string Community = "community";
    public const string Building = "building";
    public const string Gate = "gate";
    public const string Lamp = "lamp";
    public const string Bin = "bin";
    public const string Camera = "camera";
    public const string Household = "household";
    public const string Incident = "incident";
    public const string WorkOrder = "workorder";

    /// <summary>Kinds that are twins of something physical and take MQTT messages.</summary>
    public static readonly IReadOnlyList<string> Physical = [Building, Gate, Lamp, Bin, Camera, Household];

    static readonly HashSet<string> All = [Community, .. Physical, Incident, WorkOrder];

    public static bool IsKnown(string kind) => All.Contains(kind);

    public static bool IsPhysical(string kind) => Physical.Contains(kind);
}
