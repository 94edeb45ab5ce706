using Twin.Schema;

namespace Twin.Silo.Mqtt;

/// <summary>The MQTT topics of DESIGN §3.</summary>
public static class Topics
{
    public const string DeadLetter = "twin/deadletter";
    public const string TelemetryFilter = "twin/+/+/telemetry";
    public const string EventFilter = "twin/+/+/event";
    public const string SharedGroup = "$share/twin/";

    public static string State(TwinId twin) => $"twin/{twin.Kind}/{twin.Id}/state";

    public static string Command(TwinId twin) => $"twin/{twin.Kind}/{twin.Id}/command";

    /// <summary>Whether a topic matches <see cref="TelemetryFilter"/> or <see cref="EventFilter"/>: what ingestion takes.</summary>
    public static bool IsDeviceMessage(string topic)
    {
        if (!topic.StartsWith("twin/", StringComparison.Ordinal))
            return false;
        var channel = topic.EndsWith("/telemetry", StringComparison.Ordinal) ? "/telemetry".Length
            : topic.EndsWith("/event", StringComparison.Ordinal) ? "/event".Length : 0;
        if (channel == 0)
            return false;
        // Exactly two levels between "twin/" and the channel: twin/{kind}/{id}/…, as the filters' two '+' match.
        var middle = topic.AsSpan("twin/".Length, topic.Length - "twin/".Length - channel);
        return middle.Count('/') == 1;
    }

    /// <summary>Reads <c>twin/{kind}/{id}/telemetry|event</c>. Kind and id are checked against the registry and the id pattern.</summary>
    public static TopicParse Parse(string topic)
    {
        var parts = topic.Split('/');
        if (parts.Length != 4 || parts[0] != "twin")
            return TopicParse.Fail(Rejection.BadTopic, $"topic '{topic}' is not twin/{{kind}}/{{id}}/telemetry or twin/{{kind}}/{{id}}/event");
        var channel = parts[3] switch
        {
            "telemetry" => MessageChannel.Telemetry,
            "event" => MessageChannel.Event,
            _ => (MessageChannel?)null,
        };
        if (channel is null)
            return TopicParse.Fail(Rejection.BadTopic, $"devices publish to .../telemetry or .../event, not .../{parts[3]}");
        if (global::Twin.Twins.KindRegistry.Find(parts[1]) is null)
            return TopicParse.Fail(Rejection.UnknownKind,
                $"no twin kind '{parts[1]}'; kinds are {string.Join(", ", global::Twin.Twins.KindRegistry.All.Select(k => k.Kind))}");
        if (!TwinId.IsValidId(parts[2]))
            return TopicParse.Fail(Rejection.UnknownTwin, $"'{parts[2]}' is not a valid twin id ({TwinId.IdPattern})");
        return new TopicParse(new TwinId(parts[1], parts[2]), channel.Value, null);
    }
}

public readonly record struct TopicParse(TwinId Twin, MessageChannel Channel, Rejection? Rejection)
{
    public static TopicParse Fail(string code, string reason) => new(default, default, new Rejection(code, reason));
}
