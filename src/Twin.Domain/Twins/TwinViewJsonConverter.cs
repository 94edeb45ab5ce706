using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Twin.Twins;

/// <summary>
/// Writes a <see cref="TwinView"/> exactly as System.Text.Json would with <see cref="TwinJson.Options"/> (a test holds
/// the two byte for byte), straight to the writer: every state out — the retained MQTT state, the live streams — is
/// one of these, and the serializer's own path allocates a frame stack and enumerators each time. Reading is the
/// serializer's.
/// </summary>
public sealed class TwinViewJsonConverter : JsonConverter<TwinView>
{
    static readonly FieldsJsonConverter Fields = new();
    static readonly DesiredViewJsonConverter Desired = new();
    JsonSerializerOptions? readOptions;

    public override TwinView? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<TwinView>(ref reader, readOptions ??= WithoutThis(options));

    JsonSerializerOptions WithoutThis(JsonSerializerOptions options)
    {
        var plain = new JsonSerializerOptions(options);
        plain.Converters.Remove(this);
        return plain;
    }

    public override void Write(Utf8JsonWriter writer, TwinView view, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", view.Kind);
        writer.WriteString("id", view.Id);
        writer.WriteString("community", view.Community);
        if (view.Building is { } building)
            writer.WriteString("building", building);
        writer.WriteStartArray("covers");
        foreach (var covered in view.Covers)
            writer.WriteStringValue(covered);
        writer.WriteEndArray();
        writer.WritePropertyName("reported");
        Fields.Write(writer, view.Reported, options);
        writer.WritePropertyName("desired");
        Desired.Write(writer, view.Desired, options);
        writer.WriteString("status", view.Status);
        writer.WriteStartArray("alarms");
        foreach (var alarm in view.Alarms)
            WriteAlarm(writer, alarm);
        writer.WriteEndArray();
        writer.WriteString("updatedAt", view.UpdatedAt);
        writer.WriteNumber("version", view.Version);
        if (view.LastSeq is { } seq)
            writer.WriteNumber("lastSeq", seq);
        writer.WritePropertyName("profile");
        Fields.Write(writer, view.Profile, options);
        if (view.Members is { } members)
        {
            writer.WritePropertyName("members");
            JsonSerializer.Serialize(writer, members, options);
        }
        if (view.Rollup is { } rollup)
        {
            writer.WritePropertyName("rollup");
            JsonSerializer.Serialize(writer, rollup, options);
        }
        writer.WriteEndObject();
    }

    static void WriteAlarm(Utf8JsonWriter writer, Alarm alarm)
    {
        writer.WriteStartObject();
        writer.WriteString("code", alarm.Code);
        writer.WriteString("level", alarm.Level.ToWire());
        writer.WriteString("message", alarm.Message);
        writer.WriteString("since", alarm.Since);
        writer.WriteEndObject();
    }
}
