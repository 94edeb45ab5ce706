namespace Twin.Cli.Simulation;

/// <summary>
/// Outdoor light and air temperature over a day, for the simulated clock: dark at night, about 400 lux at sunrise and
/// sunset, tens of thousands of lux around noon, with twilight ramps between. The same curve every day, no season.
/// </summary>
public static class DayCurve
{
    public static readonly TimeOnly Sunrise = new(6, 0);
    public static readonly TimeOnly Sunset = new(18, 30);

    /// <summary>How long dawn and dusk take to go from night to the light of sunrise or sunset.</summary>
    public static readonly TimeSpan Twilight = TimeSpan.FromMinutes(40);

    public const double NightLux = 0.3;
    public const double SunriseLux = 400;
    public const double NoonLux = 60_000;

    /// <summary>Clear-sky illuminance in lux at <paramref name="time"/>.</summary>
    public static double Lux(TimeOnly time)
    {
        var t = time.ToTimeSpan();
        var rise = Sunrise.ToTimeSpan();
        var set = Sunset.ToTimeSpan();
        if (t >= rise && t <= set)
        {
            var sun = Math.Sin(Math.PI * (t - rise) / (set - rise));
            return SunriseLux + (NoonLux - SunriseLux) * Math.Pow(sun, 1.5);
        }
        var fromSun = t > set ? t - set : rise - t;
        if (fromSun >= Twilight)
            return NightLux;
        // Light falls off roughly exponentially through twilight.
        return NightLux * Math.Pow(SunriseLux / NightLux, 1 - fromSun / Twilight);
    }

    /// <summary>Air temperature in °C: 12 °C before dawn (03:00), 28 °C in the afternoon (15:00).</summary>
    public static double AirTemperature(TimeOnly time)
    {
        var hours = time.ToTimeSpan().TotalHours;
        return 20 + 8 * Math.Cos(2 * Math.PI * (hours - 15) / 24);
    }

    public static bool IsDark(double lux) => lux < DaylightLux;

    /// <summary>The silo's threshold (DESIGN §2): a lamp in auto mode is off at or above 50 lux.</summary>
    public const double DaylightLux = 50;
}
