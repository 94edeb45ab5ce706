using System.Diagnostics.Metrics;

namespace Twin;

/// <summary>Meter <c>twin.participation</c>: residents' feedback, ratings, polls and welfare checks. Tagged by category or outcome, never by household.</summary>
public sealed class ParticipationMetrics
{
    public const string MeterName = "twin.participation";

    readonly Counter<long> feedbackFiled, feedbackResponded, feedbackEscalated, votes, pollsClosed, welfareOpened, welfareEscalated, welfareClosed;
    readonly Histogram<int> ratings;

    public ParticipationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        feedbackFiled = meter.CreateCounter<long>("twin.feedback.filed", "{feedback}", "Feedback filed by residents");
        feedbackResponded = meter.CreateCounter<long>("twin.feedback.responded", "{feedback}", "Feedback answered or turned into a work order");
        feedbackEscalated = meter.CreateCounter<long>("twin.feedback.escalated", "{escalation}", "Feedback escalated for want of a response");
        ratings = meter.CreateHistogram<int>("twin.workorders.rating", "{star}", "Ratings residents gave finished work (1-5)",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 3, 4, 5] });
        votes = meter.CreateCounter<long>("twin.polls.votes", "{vote}", "Votes cast or changed in polls");
        pollsClosed = meter.CreateCounter<long>("twin.polls.closed", "{poll}", "Polls closed, on time or by the committee");
        welfareOpened = meter.CreateCounter<long>("twin.welfare.checks_opened", "{check}", "Welfare checks opened after a vulnerable household's silence");
        welfareEscalated = meter.CreateCounter<long>("twin.welfare.escalated", "{escalation}", "Welfare checks escalated for want of acknowledgement");
        welfareClosed = meter.CreateCounter<long>("twin.welfare.checks_closed", "{check}", "Welfare checks closed, by how");
    }

    public void FeedbackFiled(string category) => feedbackFiled.Add(1, new KeyValuePair<string, object?>("twin.category", category));
    public void FeedbackResponded(string how) => feedbackResponded.Add(1, new KeyValuePair<string, object?>("twin.how", how));
    public void FeedbackEscalated() => feedbackEscalated.Add(1);
    public void Rated(int stars) => ratings.Record(stars);
    public void Voted(bool changed) => votes.Add(1, new KeyValuePair<string, object?>("twin.changed", changed));
    public void PollClosed(bool onTime) => pollsClosed.Add(1, new KeyValuePair<string, object?>("twin.on_time", onTime));
    public void WelfareCheckOpened() => welfareOpened.Add(1);
    public void WelfareCheckEscalated() => welfareEscalated.Add(1);
    public void WelfareCheckClosed(string how) => welfareClosed.Add(1, new KeyValuePair<string, object?>("twin.how", how));
}
