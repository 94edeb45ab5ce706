using System.Collections.Immutable;
using System.Text.Json;
using Twin.Twins;

namespace Twin.Schema;

/// <summary>Turns a raw payload into a <see cref="DeviceMessage"/> checked against the kind's schema, or says why not.</summary>
public static class MessageParser
{
    public const int MaxPayloadBytes = 64 * 1024;

    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static ParseResult Parse(KindSchema schema, MessageChannel channel, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes)
            return Reject(Rejection.TooLarge, $"payload is {payload.Length} bytes; the limit is {MaxPayloadBytes} bytes (64 KiB)");

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != payload.Length && !OnlyWhitespace(payload[(int)reader.BytesConsumed..]))
                return Reject(Rejection.MalformedJson, "payload has text after the JSON object");
        }
        catch (JsonException e)
        {
            return Reject(Rejection.MalformedJson, $"payload is not valid JSON ({FirstSentence(e.Message)})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Reject(Rejection.NotAnObject, $"payload must be a JSON object, not {Describe(root.ValueKind)}");

            try
            {
                if (!TryReadSeq(root, out var seq, out var rejection) || !TryReadTimestamp(root, out var ts, out rejection))
                    return new ParseResult(null, rejection);

                return channel == MessageChannel.Telemetry
                    ? ParseTelemetry(schema, root, seq, ts)
                    : ParseEvent(schema, root, seq, ts);
            }
            catch (InvalidOperationException e)
            {
                // The reader accepts invalid UTF-8 and lone surrogate escapes inside strings; decoding them throws.
                return Reject(Rejection.MalformedJson, $"payload has text that is not valid UTF-8 ({FirstSentence(e.Message)})");
            }
        }
    }

    static ParseResult ParseTelemetry(KindSchema schema, JsonElement root, ulong? seq, DateTimeOffset? ts)
    {
        if (schema.Telemetry.Count == 0)
            return Reject(Rejection.NoKnownFields, $"a {schema.Kind} takes no telemetry; send events to twin/{schema.Kind}/{{id}}/event");

        var fields = ReadFields(schema.Telemetry, root, "telemetry", out var rejection);
        if (rejection is not null)
            return new ParseResult(null, rejection);
        if (fields.Count == 0)
            return Reject(Rejection.NoKnownFields,
                $"telemetry carries none of the {schema.Kind}'s fields ({string.Join(", ", schema.Telemetry.Select(f => f.Name))})");
        return new ParseResult(DeviceMessage.Telemetry(fields, seq, ts), null);
    }

    static ParseResult ParseEvent(KindSchema schema, JsonElement root, ulong? seq, DateTimeOffset? ts)
    {
        if (!root.TryGetProperty("type", out var typeElement))
            return Reject(Rejection.MissingField, "an event needs a \"type\"");
        if (typeElement.ValueKind != JsonValueKind.String)
            return Reject(Rejection.WrongType, $"\"type\" must be a string, not {Describe(typeElement.ValueKind)}");

        var type = typeElement.GetString()!;
        var spec = schema.FindEvent(type);
        if (spec is null)
            return Reject(Rejection.UnknownEvent,
                $"a {schema.Kind} has no event \"{Truncate(type, 40)}\"; known: {string.Join(", ", schema.Events.Select(e => e.Type).Append(KindSchema.CommandAck.Type))}");

        var fields = ReadFields(spec.Fields, root, $"event \"{type}\"", out var rejection);
        return rejection is null
            ? new ParseResult(DeviceMessage.Event(type, fields, seq, ts), null)
            : new ParseResult(null, rejection);
    }

    /// <summary>Validates command or event arguments given as a JSON object (used by the HTTP API).</summary>
    public static ImmutableDictionary<string, FieldValue> ReadFields(IReadOnlyList<FieldSpec> specs, JsonElement obj, string what, out Rejection? rejection)
    {
        rejection = null;
        var builder = ImmutableDictionary.CreateBuilder<string, FieldValue>();
        foreach (var spec in specs)
        {
            if (!obj.TryGetProperty(spec.Name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                if (spec.Required)
                {
                    rejection = new Rejection(Rejection.MissingField, $"{what} needs \"{spec.Name}\" ({spec.Describe()})");
                    return Fields.Empty;
                }
                continue;
            }

            if (!TryReadValue(spec, element, out var value, out rejection, what))
                return Fields.Empty;
            builder[spec.Name] = value;
        }
        return builder.ToImmutable();
    }

    static bool TryReadValue(FieldSpec spec, JsonElement element, out FieldValue value, out Rejection? rejection, string what)
    {
        value = default;
        rejection = null;
        string Where() => $"{what} field \"{spec.Name}\"";

        switch (spec.Type)
        {
            case FieldType.Bool:
                if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return WrongType(out rejection);
                value = FieldValue.Of(element.GetBoolean());
                return true;

            case FieldType.Number or FieldType.Integer:
                if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var number) || !double.IsFinite(number))
                    return WrongType(out rejection);
                if (spec.Type == FieldType.Integer && Math.Floor(number) != number)
                {
                    rejection = new Rejection(Rejection.WrongType, $"{Where()} must be {spec.Describe()}, got {element.GetRawText()}");
                    return false;
                }
                if (number < spec.Min || number > spec.Max)
                {
                    rejection = new Rejection(Rejection.OutOfRange, $"{Where()} must be {spec.Describe()}, got {element.GetRawText()}");
                    return false;
                }
                value = FieldValue.Of(number);
                return true;

            case FieldType.Choice:
                if (element.ValueKind != JsonValueKind.String)
                    return WrongType(out rejection);
                var choice = element.GetString()!;
                if (!spec.Choices.Contains(choice))
                {
                    rejection = new Rejection(Rejection.OutOfRange, $"{Where()} must be {spec.Describe()}, got \"{Truncate(choice, 40)}\"");
                    return false;
                }
                value = FieldValue.Of(choice);
                return true;

            default:
                if (element.ValueKind != JsonValueKind.String)
                    return WrongType(out rejection);
                var text = element.GetString()!;
                if (text.Length > spec.MaxLength)
                {
                    rejection = new Rejection(Rejection.OutOfRange, $"{Where()} is {text.Length} characters; at most {spec.MaxLength}");
                    return false;
                }
                value = FieldValue.Of(text);
                return true;
        }

        bool WrongType(out Rejection? r)
        {
            r = new Rejection(Rejection.WrongType, $"{Where()} must be {spec.Describe()}, not {Describe(element.ValueKind)}");
            return false;
        }
    }

    static bool TryReadSeq(JsonElement root, out ulong? seq, out Rejection? rejection)
    {
        seq = null;
        rejection = null;
        if (!root.TryGetProperty("seq", out var element) || element.ValueKind == JsonValueKind.Null)
            return true;
        // Capped at long.MaxValue: the history stores seq as a PostgreSQL bigint.
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value) || value < 0)
        {
            rejection = new Rejection(Rejection.WrongType, $"\"seq\" must be a whole number from 0 to {long.MaxValue}, got {Truncate(element.GetRawText(), 40)}");
            return false;
        }
        seq = (ulong)value;
        return true;
    }

    static bool TryReadTimestamp(JsonElement root, out DateTimeOffset? ts, out Rejection? rejection)
    {
        ts = null;
        rejection = null;
        if (!root.TryGetProperty("ts", out var element) || element.ValueKind == JsonValueKind.Null)
            return true;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var millis) && millis is >= 0 and <= 253402300799999)
        {
            ts = DateTimeOffset.FromUnixTimeMilliseconds(millis);
            return true;
        }
        if (element.ValueKind == JsonValueKind.String && element.TryGetDateTimeOffset(out var parsed))
        {
            ts = parsed;
            return true;
        }
        rejection = new Rejection(Rejection.WrongType, $"\"ts\" must be ISO-8601 or Unix milliseconds, got {Truncate(element.GetRawText(), 40)}");
        return false;
    }

    static ParseResult Reject(string code, string reason) => new(null, new Rejection(code, reason));

    static bool OnlyWhitespace(ReadOnlySpan<byte> rest)
    {
        foreach (var b in rest)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                return false;
        return true;
    }

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

public readonly record struct ParseResult(DeviceMessage? Message, Rejection? Rejection)
{
    public bool Accepted => Message is not null;
}
