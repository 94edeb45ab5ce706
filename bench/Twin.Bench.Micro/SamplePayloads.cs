using System.Text;

namespace Twin.Bench.Micro;

/// <summary>Device payloads as they arrive over MQTT (UTF-8 JSON), shaped like the sample community's devices send them.</summary>
static class SamplePayloads
{
    /// <summary>A dimmed lamp at night reports motion: every lamp field, with seq and an ISO-8601 device time.</summary>
    public static readonly byte[] LampTelemetry = Utf8(
        """{"seq":1042,"ts":"2025-06-01T20:00:00Z","on":true,"brightness":30,"lux":12.5,"motion":true,"powerW":18.2}""");

    /// <summary>A card refused at the gate.</summary>
    public static readonly byte[] GateAccessDenied = Utf8(
        """{"seq":311,"ts":"2025-06-01T20:00:00Z","type":"access","credential":"card","subject":"resident-7","granted":false}""");

    /// <summary>A household answers a check-in request.</summary>
    public static readonly byte[] HouseholdCheckIn = Utf8(
        """{"seq":58,"ts":"2025-06-01T20:00:00Z","type":"check_in","status":"safe"}""");

    /// <summary>Well-formed lamp telemetry with a brightness above 100: rejected as out of range (a dead letter).</summary>
    public static readonly byte[] LampOutOfRange = Utf8(
        """{"seq":1043,"ts":"2025-06-01T20:00:01Z","on":true,"brightness":150,"lux":12.5,"motion":true,"powerW":18.2}""");

    /// <summary>Lamp telemetry cut off mid-object: rejected as malformed JSON (a dead letter).</summary>
    public static readonly byte[] LampMalformed = Utf8(
        """{"seq":1044,"ts":"2025-06-01T20:00:02Z","on":true,"brightness":30,"lux":""");

    static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
