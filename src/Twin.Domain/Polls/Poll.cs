using System.Collections.Immutable;
using Twin.Boards;

namespace Twin.Polls;

public static class PollStatuses
{
    public const string Open = "open";
    public const string Closed = "closed";
}

/// <summary>What the committee asks: the question, the options, the audience (a building, or the community) and when it closes.</summary>
[GenerateSerializer, Immutable, Alias("twin.poll-request")]
public sealed record PollRequest(
    [property: Id(0)] string Community,
    [property: Id(1)] string Question,
    [property: Id(2)] ImmutableArray<string> Options,
    [property: Id(3)] string? Building,
    [property: Id(4)] DateTimeOffset ClosesAt,
    [property: Id(5)] string CreatedBy,
    [property: Id(6)] int Eligible);

[GenerateSerializer, Alias("twin.poll-state")]
public sealed record PollState
{
    [Id(0)] public bool Exists { get; init; }
    [Id(1)] public string Id { get; init; } = "";
    [Id(2)] public string Community { get; init; } = "";
    [Id(3)] public string Question { get; init; } = "";
    [Id(4)] public ImmutableArray<string> Options { get; init; } = [];
    [Id(5)] public string? Building { get; init; }
    [Id(6)] public string CreatedBy { get; init; } = "";
    [Id(7)] public DateTimeOffset CreatedAt { get; init; }
    [Id(8)] public DateTimeOffset ClosesAt { get; init; }
    [Id(9)] public string Status { get; init; } = PollStatuses.Open;
    [Id(10)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(11)] public string? ClosedBy { get; init; }
    /// <summary>Household → the index of the option it chose. Never shown: each household sees only its own vote.</summary>
    [Id(12)] public ImmutableDictionary<string, int> Votes { get; init; } = ImmutableDictionary<string, int>.Empty;
    [Id(13)] public int Eligible { get; init; }
    [Id(14)] public int ChangedVotes { get; init; }
    [Id(15)] public string? Result { get; init; }
    [Id(16)] public string? Notice { get; init; }
    [Id(17)] public long Version { get; init; }
}

/// <summary>A poll with its live counts. <see cref="YourVote"/> is set only in the answer to the household that voted.</summary>
[GenerateSerializer, Immutable, Alias("twin.poll-view")]
public sealed record PollView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Community,
    [property: Id(2)] string Question,
    [property: Id(3)] ImmutableArray<string> Options,
    [property: Id(4)] string? Building,
    [property: Id(5)] string CreatedBy,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset ClosesAt,
    [property: Id(8)] string Status,
    [property: Id(9)] DateTimeOffset? ClosedAt,
    [property: Id(10)] ImmutableArray<int> Counts,
    [property: Id(11)] int Votes,
    [property: Id(12)] int Eligible,
    [property: Id(13)] int ChangedVotes,
    [property: Id(14)] string? Result,
    [property: Id(15)] string? Notice,
    [property: Id(16)] string? YourVote,
    [property: Id(17)] long Version) : IBoardItem
{
    public static PollView Of(PollState s, string? household = null) => new(
        s.Id, s.Community, s.Question, s.Options, s.Building, s.CreatedBy, s.CreatedAt, s.ClosesAt, s.Status, s.ClosedAt,
        PollRules.Count(s.Votes.Values, s.Options.Length), s.Votes.Count, s.Eligible, s.ChangedVotes, s.Result, s.Notice,
        household is not null && s.Votes.TryGetValue(household, out var vote) ? s.Options[vote] : null, s.Version);

    /// <summary>Whether a household of <paramref name="building"/> is in the audience.</summary>
    public bool IsFor(string? building) => Building is null || Building == building;
}

[GenerateSerializer, Immutable, Alias("twin.poll-outcome")]
public sealed record PollOutcome(
    [property: Id(0)] PollView? Poll,
    [property: Id(1)] string? Error,
    [property: Id(2)] bool NotFound = false,
    [property: Id(3)] bool Forbidden = false);

/// <summary>One poll (grain type <c>poll</c>, key its id). A reminder closes it at its closing time.</summary>
[Alias("twin.IPollGrain")]
public interface IPollGrain : IGrainWithStringKey
{
    [Alias("open")]
    Task<PollView> Open(PollRequest request);

    /// <summary>Records or changes the household's vote.</summary>
    [Alias("vote")]
    Task<PollOutcome> Vote(string household, string? householdBuilding, string option);

    [Alias("close")]
    Task<PollOutcome> Close(string by);

    [Alias("view"), ReadOnly]
    Task<PollView?> GetView(string? household);
}

public static class PollGrains
{
    public const string GrainType = "poll";

    public static IPollGrain GetPoll(this IGrainFactory grains, string id) => GrainReferences.Get<IPollGrain>(grains, GrainId.Create(GrainType, id));

    public static string NewId(DateTimeOffset now) => $"poll-{now:yyyyMMdd}-{Guid.NewGuid():N}"[..22];
}
