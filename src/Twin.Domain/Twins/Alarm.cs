using System.Collections.Immutable;

namespace Twin.Twins;

/// <summary>How bad a twin's condition is. A twin's status is its worst active alarm.</summary>
public enum TwinStatus { Ok, Warning, Fault, Offline, Alarm }

[GenerateSerializer, Immutable, Alias("twin.alarm")]
public sealed record Alarm(
    [property: Id(0)] string Code,
    [property: Id(1)] TwinStatus Level,
    [property: Id(2)] string Message,
    [property: Id(3)] DateTimeOffset Since);

public static class TwinStatusNames
{
    public static string ToWire(this TwinStatus status) => WireNames.Of(status);

    public static bool TryParse(string? text, out TwinStatus status) => WireNames.TryParse(text, out status);

    /// <summary>Ok, unless an alarm is active: then the worst level (alarm over offline over fault over warning).</summary>
    public static TwinStatus StatusOf(ImmutableList<Alarm> alarms)
    {
        var worst = TwinStatus.Ok;
        foreach (var alarm in alarms)
            if (alarm.Level > worst)
                worst = alarm.Level;
        return worst;
    }
}
