using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Twin.Twins;

/// <summary>The public state of one twin, as the API, the stream and the retained MQTT state show it.</summary>
[GenerateSerializer, Immutable, Alias("twin.view")]
public sealed record TwinView(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string Community,
    [property: Id(3)] string? Building,
    [property: Id(4)] ImmutableArray<string> Covers,
    [property: Id(5)] ImmutableDictionary<string, FieldValue> Reported,
    [property: Id(6)] DesiredView Desired,
    [property: Id(7)] string Status,
    [property: Id(8)] ImmutableList<Alarm> Alarms,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] long Version,
    [property: Id(11)] ulong? LastSeq,
    [property: Id(12)] ImmutableDictionary<string, FieldValue> Profile,
    [property: Id(13)] ImmutableList<Member>? Members,
    [property: Id(14)] BuildingRollup? Rollup)
{
    public static TwinView Of(TwinState s, bool includePersonalData, BuildingRollup? rollup = null) => new(
        s.Kind, s.Id, s.Community, s.Building, s.Covers,
        includePersonalData ? s.Reported : WithoutPersonalFields(s.Kind, s.Reported),
        new DesiredView(s.Settings, s.Pending.IsEmpty ? [] : s.Pending.Select(PendingView.Of).ToImmutableList()),
        s.Status.ToWire(), s.Alarms, s.UpdatedAt, s.Version, s.LastSeq, s.Profile,
        includePersonalData && !s.Members.IsEmpty ? s.Members : null,
        rollup);

    [JsonIgnore]
    public TwinId Address => new(Kind, Id);

    /// <summary>The personal fields this view carries (members, a face match's subject), empty when it carries none.</summary>
    public ImmutableArray<string> PersonalFields() =>
        [.. (Members is { IsEmpty: false } ? ["members"] : Array.Empty<string>()),
         .. (KindRegistry.Find(Kind)?.PersonalFields ?? []).Where(Reported.ContainsKey)];

    /// <summary>The same view without personal data.</summary>
    public TwinView WithoutPersonalData() => this with { Members = null, Reported = WithoutPersonalFields(Kind, Reported) };

    static ImmutableDictionary<string, FieldValue> WithoutPersonalFields(string kind, ImmutableDictionary<string, FieldValue> reported) =>
        KindRegistry.Find(kind)?.PersonalFields is { Count: > 0 } personal ? reported.RemoveRange(personal) : reported;

    public TwinSummary Summary() => new(Kind, Id, Building, Covers, Status, Alarms.IsEmpty ? [] : [.. Alarms.Select(a => a.Code)], UpdatedAt, Version,
        Kind == TwinKinds.Household ? Reported.GetBool("occupied") : null,
        Profile.GetNumber("x") is { } x && Profile.GetNumber("y") is { } y ? new SitePosition(x, y) : null);
}

/// <summary>What the twin wants of its device: its settings (such as <c>mode</c>) side by side with the commands still pending.</summary>
[GenerateSerializer, Immutable, Alias("twin.desired")]
[JsonConverter(typeof(DesiredViewJsonConverter))]
public sealed record DesiredView(
    [property: Id(0)] ImmutableDictionary<string, FieldValue> Settings,
    [property: Id(1)] ImmutableList<PendingView> Pending);

[GenerateSerializer, Immutable, Alias("twin.pending-view")]
public sealed record PendingView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Command,
    [property: Id(2)] ImmutableDictionary<string, FieldValue> Args,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset IssuedAt,
    [property: Id(5)] int Attempts,
    [property: Id(6)] DateTimeOffset Deadline)
{
    public static PendingView Of(PendingCommand p) => new(p.Id, p.Command, p.Args, p.Reason, p.IssuedAt, p.Attempts, p.Deadline);
}

/// <summary>A twin as the rollups index it: enough to filter and count without asking the twin.</summary>
[GenerateSerializer, Immutable, Alias("twin.summary")]
public sealed record TwinSummary(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string? Building,
    [property: Id(3)] ImmutableArray<string> Covers,
    [property: Id(4)] string Status,
    [property: Id(5)] ImmutableArray<string> Alarms,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] long Version,
    [property: Id(8)] bool? Occupied,
    [property: Id(9)] SitePosition? Position = null)
{
    public bool IsIn(string building) => Building == building || Covers.Contains(building);

    /// <summary>Whether a rollup must hear about the change from <paramref name="previous"/> to this.</summary>
    public bool DiffersForRollups(TwinSummary? previous) =>
        previous is null || previous.Status != Status || previous.Occupied != Occupied || previous.Position != Position
            || !previous.Alarms.SequenceEqual(Alarms);
}

/// <summary>Where a twin is drawn on the community's site plan, in the topology's units.</summary>
[GenerateSerializer, Immutable, Alias("twin.site-position")]
public sealed record SitePosition([property: Id(0)] double X, [property: Id(1)] double Y);

/// <summary>A building's aggregate of its members.</summary>
[GenerateSerializer, Immutable, Alias("twin.building-rollup")]
public sealed record BuildingRollup(
    [property: Id(0)] ImmutableDictionary<string, ImmutableDictionary<string, int>> CountsByKindAndStatus,
    [property: Id(1)] int Households,
    [property: Id(2)] int OccupiedHouseholds,
    [property: Id(3)] int ActiveAlarms,
    [property: Id(4)] int ActiveIncidents);

/// <summary>Writes <c>{"mode": "auto", "pending": [...]}</c>: settings flattened beside the pending commands.</summary>
public sealed class DesiredViewJsonConverter : JsonConverter<DesiredView>
{
    public override DesiredView Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var settings = ImmutableDictionary.CreateBuilder<string, FieldValue>();
        var pending = ImmutableList<PendingView>.Empty;
        using var document = JsonDocument.ParseValue(ref reader);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("pending"))
                pending = property.Value.Deserialize<ImmutableList<PendingView>>(options) ?? pending;
            else
                settings[property.Name] = property.Value.Deserialize<FieldValue>(options);
        }
        return new DesiredView(settings.ToImmutable(), pending);
    }

    public override void Write(Utf8JsonWriter writer, DesiredView value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        FieldsJsonConverter.WriteProperties(writer, value.Settings, options);
        writer.WritePropertyName("pending");
        if (value.Pending.IsEmpty)
        {
            writer.WriteStartArray();
            writer.WriteEndArray();
        }
        else
            JsonSerializer.Serialize(writer, value.Pending, options);
        writer.WriteEndObject();
    }
}
