using System.Collections.Immutable;

namespace Twin.Feedback;

/// <summary>How residents' feedback was handled, for one group (an asset kind, a building, a responding party, or all).</summary>
[GenerateSerializer, Immutable, Alias("twin.satisfaction-figures")]
public sealed record SatisfactionFigures(
    [property: Id(0)] int Feedback,
    [property: Id(1)] int Unanswered,
    [property: Id(2)] int Rated,
    [property: Id(3)] double? MedianRating,
    [property: Id(4)] double? MedianSecondsToFirstResponse,
    [property: Id(5)] double? MedianSecondsToDone);

[GenerateSerializer, Immutable, Alias("twin.satisfaction")]
public sealed record SatisfactionReport(
    [property: Id(0)] SatisfactionFigures Overall,
    [property: Id(1)] ImmutableSortedDictionary<string, SatisfactionFigures> ByKind,
    [property: Id(2)] ImmutableSortedDictionary<string, SatisfactionFigures> ByBuilding,
    [property: Id(3)] ImmutableSortedDictionary<string, SatisfactionFigures> ByParty);

/// <summary>Satisfaction per asset kind, per building and per responding party: medians, so one outlier does not hide the rest.</summary>
public static class Satisfaction
{
    public static SatisfactionReport Of(IReadOnlyCollection<FeedbackView> feedback) => new(
        Figures(feedback),
        Group(feedback, f => f.AssetKind),
        Group(feedback.Where(f => f.Building is not null), f => f.Building!),
        Group(feedback.Where(f => f.RespondedBy is not null), f => f.RespondedBy!));

    static ImmutableSortedDictionary<string, SatisfactionFigures> Group(IEnumerable<FeedbackView> feedback, Func<FeedbackView, string> key) =>
        feedback.GroupBy(key).ToImmutableSortedDictionary(g => g.Key, g => Figures(g.ToList()), StringComparer.Ordinal);

    public static SatisfactionFigures Figures(IReadOnlyCollection<FeedbackView> feedback) => new(
        feedback.Count,
        feedback.Count(f => f.Status == FeedbackStatuses.Open),
        feedback.Count(f => f.Rating is not null),
        Median(feedback.Where(f => f.Rating is not null).Select(f => (double)f.Rating!.Stars)),
        Median(feedback.Where(f => f.RespondedAt is not null).Select(f => (f.RespondedAt!.Value - f.FiledAt).TotalSeconds)),
        Median(feedback.Where(f => f.DoneAt is not null).Select(f => (f.DoneAt!.Value - f.FiledAt).TotalSeconds)));

    /// <summary>The middle value, or the mean of the two middle ones; null when there are none.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return null;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
