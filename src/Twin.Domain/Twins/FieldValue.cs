using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Twin.Twins;

/// <summary>One validated value from a device: a boolean, a number or a text. Serialized as the plain JSON value.</summary>
[GenerateSerializer, Immutable, Alias("twin.field-value")]
[JsonConverter(typeof(FieldValueJsonConverter))]
public readonly record struct FieldValue
{
    [Id(0)] public bool? Bool { get; init; }
    [Id(1)] public double? Number { get; init; }
    [Id(2)] public string? Text { get; init; }

    public static FieldValue Of(bool value) => new() { Bool = value };
    public static FieldValue Of(double value) => new() { Number = value };
    public static FieldValue Of(string value) => new() { Text = value };

    public static implicit operator FieldValue(bool value) => Of(value);
    public static implicit operator FieldValue(double value) => Of(value);
    public static implicit operator FieldValue(string value) => Of(value);

    public override string ToString() =>
        Bool is { } b ? (b ? "true" : "false")
        : Number is { } n ? n.ToString(CultureInfo.InvariantCulture)
        : Text ?? "";
}

/// <summary>Field name → value, as reported by a device or carried by an event or command.</summary>
public static class Fields
{
    public static readonly ImmutableDictionary<string, FieldValue> Empty = ImmutableDictionary<string, FieldValue>.Empty;

    public static ImmutableDictionary<string, FieldValue> Of(params (string Name, FieldValue Value)[] fields) =>
        fields.ToImmutableDictionary(f => f.Name, f => f.Value);

    public static bool? GetBool(this IReadOnlyDictionary<string, FieldValue> fields, string name) =>
        fields.TryGetValue(name, out var v) ? v.Bool : null;

    public static double? GetNumber(this IReadOnlyDictionary<string, FieldValue> fields, string name) =>
        fields.TryGetValue(name, out var v) ? v.Number : null;

    public static string? GetText(this IReadOnlyDictionary<string, FieldValue> fields, string name) =>
        fields.TryGetValue(name, out var v) ? v.Text : null;

    /// <summary>
    /// <paramref name="fields"/> set over <paramref name="into"/>: what <c>SetItems</c> does, without boxing an enumerator, and
    /// the same instance back when nothing changed.
    /// </summary>
    public static ImmutableDictionary<string, FieldValue> Merge(this ImmutableDictionary<string, FieldValue> into, ImmutableDictionary<string, FieldValue> fields)
    {
        foreach (var (name, value) in fields)
            into = into.SetItem(name, value);
        return into;
    }

    /// <summary>True when every expected field has the same value in <paramref name="actual"/>.</summary>
    public static bool Contains(this IReadOnlyDictionary<string, FieldValue> actual, IReadOnlyDictionary<string, FieldValue> expected) =>
        expected.All(e => actual.TryGetValue(e.Key, out var v) && v == e.Value);
}

public sealed class FieldValueJsonConverter : JsonConverter<FieldValue>
{
    public override FieldValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => FieldValue.Of(true),
        JsonTokenType.False => FieldValue.Of(false),
        JsonTokenType.Number => FieldValue.Of(reader.GetDouble()),
        JsonTokenType.String => FieldValue.Of(reader.GetString()!),
        _ => throw new JsonException("A field value is a boolean, a number or a string."),
    };

    public override void Write(Utf8JsonWriter writer, FieldValue value, JsonSerializerOptions options)
    {
        if (value.Bool is { } b) writer.WriteBooleanValue(b);
        else if (value.Number is { } n) writer.WriteNumberValue(n);
        else if (value.Text is { } t) writer.WriteStringValue(t);
        else writer.WriteNullValue();
    }
}

/// <summary>
/// Field dictionaries as plain JSON objects, as System.Text.Json writes any dictionary, but enumerated without boxing:
/// every state out writes three of them (reported, settings, profile).
/// </summary>
public sealed class FieldsJsonConverter : JsonConverter<ImmutableDictionary<string, FieldValue>>
{
    static readonly FieldValueJsonConverter Values = new();

    public override ImmutableDictionary<string, FieldValue> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("Fields are a JSON object of name → value.");
        var fields = ImmutableDictionary.CreateBuilder<string, FieldValue>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            fields[name] = Values.Read(ref reader, typeof(FieldValue), options);
        }
        return fields.ToImmutable();
    }

    public override void Write(Utf8JsonWriter writer, ImmutableDictionary<string, FieldValue> fields, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteProperties(writer, fields, options);
        writer.WriteEndObject();
    }

    /// <summary>The fields as properties of the object being written (a desired view puts its settings beside its pending commands).</summary>
    public static void WriteProperties(Utf8JsonWriter writer, ImmutableDictionary<string, FieldValue> fields, JsonSerializerOptions options)
    {
        foreach (var (name, value) in fields)
        {
            writer.WritePropertyName(name);
            Values.Write(writer, value, options);
        }
    }
}
