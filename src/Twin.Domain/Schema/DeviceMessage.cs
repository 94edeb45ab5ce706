using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.Schema;

public enum MessageChannel { Telemetry, Event }

/// <summary>A device message that passed validation: only known fields, each of the right type and in range.</summary>
[GenerateSerializer, Immutable, Alias("twin.device-message")]
public sealed record DeviceMessage(
    [property: Id(0)] MessageChannel Channel,
    [property: Id(1)] string? EventType,
    [property: Id(2)] ImmutableDictionary<string, FieldValue> Fields,
    [property: Id(3)] ulong? Seq,
    [property: Id(4)] DateTimeOffset? Timestamp)
{
    public static DeviceMessage Telemetry(ImmutableDictionary<string, FieldValue> fields, ulong? seq = null, DateTimeOffset? ts = null) =>
        new(MessageChannel.Telemetry, null, fields, seq, ts);

    public static DeviceMessage Event(string type, ImmutableDictionary<string, FieldValue>? fields = null, ulong? seq = null, DateTimeOffset? ts = null) =>
        new(MessageChannel.Event, type, fields ?? Twins.Fields.Empty, seq, ts);
}
