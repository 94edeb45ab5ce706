using System.Collections.Immutable;
using Twin.Schema;

namespace Twin.Twins;

/// <summary>
/// One physical twin. The grain id is the twin address itself (grain type = kind, key = id), so
/// <c>lamp/L-01</c> is the same string in topics, URLs, logs and the Orleans directory.
/// </summary>
[Alias("twin.ITwinGrain")]
public interface ITwinGrain : IGrainWithStringKey
{
    [Alias("provision")]
    Task<ProvisionOutcome> Provision(TwinProvision provision);

    /// <summary>Applies one validated device message. Returns once the twin has applied (or refused) it.</summary>
    [Alias("apply")]
    Task<ApplyOutcome> Apply(DeviceMessage message);

    /// <summary>The live twin, or null when no such twin was provisioned.</summary>
    [Alias("view"), ReadOnly]
    Task<TwinView?> GetView(bool includePersonalData);

    /// <param name="drill">The command is part of a drill: the device receives it marked <c>"drill": true</c>.</param>
    [Alias("command")]
    Task<CommandOutcome> Command(string command, ImmutableDictionary<string, FieldValue> args, string? reason, string issuedBy, bool drill);

    /// <summary>Reports the twin's summary to its rollups again: they are derived, and a new activation of one starts empty.</summary>
    [Alias("rejoin")]
    Task Rejoin();

    [Alias("workorder-done")]
    Task WorkOrderDone(string workOrderId);
}

[Alias("twin.IBuildingGrain")]
public interface IBuildingGrain : ITwinGrain
{
    [Alias("member-changed")]
    Task MemberChanged(TwinSummary member);

    [Alias("incidents-changed"), OneWay]
    Task ActiveIncidentsChanged(int count);
}

public static class TwinGrains
{
    public static ITwinGrain GetTwin(this IGrainFactory grains, TwinId twin) =>
        GrainReferences.Get<ITwinGrain>(grains, GrainId.Create(twin.Kind, twin.Id));

    public static IBuildingGrain GetBuilding(this IGrainFactory grains, string buildingId) =>
        GrainReferences.Get<IBuildingGrain>(grains, GrainId.Create(TwinKinds.Building, buildingId));
}

public enum ApplyOutcome { Applied, Duplicate, Stale, UnknownTwin }

public enum ProvisionOutcome { Added, Changed, Unchanged }

[GenerateSerializer, Immutable, Alias("twin.command-outcome")]
public sealed record CommandOutcome(
    [property: Id(0)] bool Found,
    [property: Id(1)] string? CommandId,
    [property: Id(2)] string Status,
    [property: Id(3)] string? Error = null)
{
    public static readonly CommandOutcome NotFound = new(false, null, "unknown_twin", "no such twin");
}

/// <summary>What the topology says a twin is.</summary>
[GenerateSerializer, Immutable, Alias("twin.provision")]
public sealed record TwinProvision(
    [property: Id(0)] TwinId Twin,
    [property: Id(1)] string Community,
    [property: Id(2)] string? Building,
    [property: Id(3)] ImmutableArray<string> Covers,
    [property: Id(4)] ImmutableDictionary<string, FieldValue> Profile,
    [property: Id(5)] ImmutableList<Member> Members);
