namespace Twin.Feedback;

public sealed class FeedbackOptions
{
    public const string Section = "Twin:Feedback";

    /// <summary>How long the property company has to respond (an answer or a work order) before the feedback escalates.</summary>
    public TimeSpan RespondWithin { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Party ids an unanswered feedback escalates to, in order; empty means the committee's parties, then admin.</summary>
    public List<string> EscalateTo { get; set; } = [];
}
