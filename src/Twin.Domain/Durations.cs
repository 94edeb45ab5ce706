using System.Globalization;

namespace Twin;

public static class Durations
{
    /// <summary>A span as a person reads it in a timeline: "45 s", "12 min", "24 h", "1.5 h".</summary>
    public static string Text(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h"),
    };
}
