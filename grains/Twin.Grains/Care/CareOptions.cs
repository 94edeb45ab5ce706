namespace Twin.Care;

public sealed class CareOptions
{
    public const string Section = "Twin:Care";

    /// <summary>How long a vulnerable household may show no activity (no <c>occupied</c> change, no check-in) before a welfare check.</summary>
    public TimeSpan InactivityWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the grid workers have to acknowledge a welfare check before it escalates.</summary>
    public TimeSpan AckWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Party ids an unacknowledged check escalates to, in order; empty means the committee's parties, then admin.</summary>
    public List<string> EscalateTo { get; set; } = [];
}
