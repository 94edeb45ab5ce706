using Twin.Feedback;
using Twin.Incidents;

namespace Twin.Tests.Feedback;

public sealed class SatisfactionTests
{
    static readonly DateTimeOffset Filed = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static FeedbackView Feedback(string twin, string building, string? by, int? stars, double? respondedAfterMinutes, double? doneAfterHours) =>
        new($"fb-{Guid.NewGuid():N}", "sunrise", "B1-1-0501", building, "repair", "broken", twin,
            respondedAfterMinutes is null ? FeedbackStatuses.Open : doneAfterHours is null ? FeedbackStatuses.InWork : FeedbackStatuses.Done,
            Filed, Filed, Filed.AddHours(24), [],
            respondedAfterMinutes is { } r ? Filed.AddMinutes(r) : null, by, null, null, null,
            doneAfterHours is { } d ? Filed.AddHours(d) : null,
            stars is { } s ? new Rating(s, null, Filed.AddDays(1), "household/B1-1-0501") : null, [], 1);

    [Fact]
    public void Figures_are_medians_per_asset_kind_building_and_responding_party()
    {
        FeedbackView[] feedback =
        [
            Feedback("lamp/L-01", "B1", "property-mgmt", 5, 10, 2),
            Feedback("lamp/L-02", "B1", "property-mgmt", 1, 30, 4),
            Feedback("lamp/L-03", "B2", "property-mgmt", 4, 20, 3),
            Feedback("bin/BIN-01", "B2", "committee-sunrise", null, 60, null),
            Feedback("bin/BIN-02", "B2", null, null, null, null),
        ];

        var report = Satisfaction.Of(feedback);

        var lamps = report.ByKind["lamp"];
        Assert.Equal((3, 3, 4.0), (lamps.Feedback, lamps.Rated, lamps.MedianRating!.Value));
        Assert.Equal(20 * 60, lamps.MedianSecondsToFirstResponse);
        Assert.Equal(3 * 3600, lamps.MedianSecondsToDone);

        var bins = report.ByKind["bin"];
        Assert.Equal((2, 1, 0), (bins.Feedback, bins.Unanswered, bins.Rated));
        Assert.Null(bins.MedianRating);
        Assert.Equal(60 * 60, bins.MedianSecondsToFirstResponse);

        Assert.Equal(3.0, report.ByBuilding["B1"].MedianRating);
        Assert.Equal(["committee-sunrise", "property-mgmt"], report.ByParty.Keys);
        Assert.Equal(5, report.Overall.Feedback);
        Assert.Equal(4.0, report.Overall.MedianRating);
    }

    [Fact]
    public void Feedback_about_no_twin_counts_as_general()
    {
        var general = Feedback("lamp/L-01", "B1", null, null, null, null) with { Twin = null };

        Assert.Equal(["general"], Satisfaction.Of([general]).ByKind.Keys);
    }

    [Theory]
    [InlineData(new double[0], null)]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 4.0 }, 4.0)]
    [InlineData(new[] { 1.0, 2.0, 4.0, 5.0 }, 3.0)]
    public void The_median_is_the_middle_value_or_the_mean_of_the_middle_two(double[] values, double? median) =>
        Assert.Equal(median, Satisfaction.Median(values));
}
