using System.Collections.Immutable;

namespace Twin.Twins;

/// <summary>
/// What every physical twin holds, whatever its kind. Immutable all the way down (a change is a new record made with
/// <c>with</c>), which lets Orleans and the embedded storage share it instead of copying it.
/// </summary>
[GenerateSerializer, Immutable, Alias("twin.state")]
public sealed record TwinState
{
    [Id(0)] public string Kind { get; init; } = "";
    [Id(1)] public string Id { get; init; } = "";
    [Id(2)] public string Community { get; init; } = "";
    [Id(3)] public string? Building { get; init; }
    [Id(4)] public ImmutableArray<string> Covers { get; init; } = [];
    [Id(5)] public bool Provisioned { get; init; }
    /// <summary>Attributes from the topology: name, category, unit, floor, position…</summary>
    [Id(6)] public ImmutableDictionary<string, FieldValue> Profile { get; init; } = Fields.Empty;
    [Id(7)] public ImmutableDictionary<string, FieldValue> Reported { get; init; } = Fields.Empty;
    /// <summary>The device time (or arrival time) of the telemetry <see cref="Reported"/> holds; older telemetry never overwrites it.</summary>
    [Id(8)] public DateTimeOffset? ReportedAt { get; init; }
    [Id(9)] public ImmutableDictionary<string, FieldValue> Settings { get; init; } = Fields.Empty;
    [Id(10)] public ImmutableList<PendingCommand> Pending { get; init; } = [];
    [Id(11)] public ImmutableList<Alarm> Alarms { get; init; } = [];
    [Id(12)] public long Version { get; init; }
    [Id(13)] public ulong? LastSeq { get; init; }
    [Id(14)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(15)] public DateTimeOffset? LastMessageAt { get; init; }
    /// <summary>Work orders this twin opened and that are not done yet: id → topic.</summary>
    [Id(16)] public ImmutableDictionary<string, string> OpenWorkOrders { get; init; } = ImmutableDictionary<string, string>.Empty;
    [Id(17)] public ImmutableList<Member> Members { get; init; } = [];
    /// <summary>What a kind's rules keep between messages (a gate's recent denials, a bin's pending collection).</summary>
    [Id(18)] public KindMemory? Memory { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public TwinId Address => new(Kind, Id);

    public TwinStatus Status => TwinStatusNames.StatusOf(Alarms);

    public bool HasAlarm(string code) => Alarms.Any(a => a.Code == code);

    public string? Setting(string name) => Settings.GetText(name);

    /// <summary>The buildings this twin belongs to or covers, for filters and incident placement.</summary>
    public IEnumerable<string> Buildings => Building is null ? Covers : Covers.Prepend(Building).Distinct();
}

/// <summary>A resident of a household. Personal data: shown only to parties allowed to see it.</summary>
[GenerateSerializer, Immutable, Alias("twin.member")]
public sealed record Member(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Phone,
    [property: Id(2)] ImmutableArray<string> Vulnerability);

/// <summary>Base of the per-kind memory records kept in <see cref="TwinState.Memory"/>.</summary>
[GenerateSerializer, Alias("twin.kind-memory")]
public abstract record KindMemory;
