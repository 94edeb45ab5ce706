using Twin.Incidents;
using Twin.Parties;

namespace Twin.Feedback;

/// <summary>The decisions about feedback, as plain functions: who may respond how, and what a work-order step tells the resident.</summary>
public static class FeedbackRules
{
    public const int MaxTextLength = 2000;

    /// <summary>Who may answer feedback with a reply; turning it into work is the property company's.</summary>
    public static readonly IReadOnlyList<string> Answerers = [Roles.Property, Roles.Committee, Roles.Admin];
    public static readonly IReadOnlyList<string> WorkOrderers = [Roles.Property, Roles.Admin];

    /// <summary>Why a filing is not acceptable, or null.</summary>
    public static string? Check(string? category, string? text)
    {
        if (category is null || !FeedbackCategories.All.Contains(category))
            return $"\"category\" must be one of {string.Join(", ", FeedbackCategories.All)}";
        if (string.IsNullOrWhiteSpace(text))
            return "\"text\" is needed: what is wrong, or what you suggest";
        if (text.Length > MaxTextLength)
            return $"\"text\" is at most {MaxTextLength} characters";
        return null;
    }

    public static IncidentTask ResponseTask(IReadOnlyList<string> property, DateTimeOffset now, TimeSpan within) =>
        new("respond", Roles.Property, [.. property], "Respond to the resident's feedback", TaskStatuses.Pending, now, now + within, within,
            [], null, null, null, null, null, 0);

    /// <summary>Why this party may not respond now, or null.</summary>
    public static string? CheckResponse(FeedbackState feedback, string role, bool workOrder)
    {
        var allowed = workOrder ? WorkOrderers : Answerers;
        if (!allowed.Contains(role))
            return workOrder ? "only the property company turns feedback into a work order" : $"only {string.Join(", ", Answerers)} answer feedback";
        return feedback.Status switch
        {
            FeedbackStatuses.Open => null,
            FeedbackStatuses.Answered => "the feedback is already answered",
            _ => $"the feedback already has work order {feedback.WorkOrder}",
        };
    }

    /// <summary>What a step of the linked work order means to the resident, for the feedback's timeline.</summary>
    public static string? Describe(WorkOrders.WorkOrderStep step) => step.Action switch
    {
        "assigned" => $"work order {step.Note}",
        "started" => "work has started" + (step.Note is null ? "" : $": {step.Note}"),
        "completed" => "the work is done" + (step.Note is null ? "" : $": {step.Note}"),
        _ => null,
    };
}
