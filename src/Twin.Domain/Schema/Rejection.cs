namespace Twin.Schema;

/// <summary>Why a message was not accepted: a stable <see cref="Code"/> for counters, and a sentence for people.</summary>
[GenerateSerializer, Immutable, Alias("twin.rejection")]
public sealed record Rejection([property: Id(0)] string Code, [property: Id(1)] string Reason)
{
    public const string MalformedJson = "malformed_json";
    public const string NotAnObject = "not_an_object";
    public const string TooLarge = "too_large";
    public const string BadTopic = "bad_topic";
    public const string UnknownKind = "unknown_kind";
    public const string UnknownTwin = "unknown_twin";
    public const string WrongType = "wrong_type";
    public const string OutOfRange = "out_of_range";
    public const string MissingField = "missing_field";
    public const string UnknownEvent = "unknown_event";
    public const string NoKnownFields = "no_known_fields";
    public const string Unapplied = "not_applied";

    public override string ToString() => $"{Code}: {Reason}";
}
