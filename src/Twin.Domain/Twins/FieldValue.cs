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
