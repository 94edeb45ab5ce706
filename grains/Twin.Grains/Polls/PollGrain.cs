using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twin.Boards;
using Twin.Deadlines;
using Twin.Live;
using Twin.Notices;
using Twin.Parties;
using Twin.Twins;

namespace Twin.Polls;

/// <summary>
/// One committee poll: one vote per household, changeable until it closes; closed by a reminder at its closing time
/// (or by the committee), when its result is published as a notice to its audience.
/// </summary>
[GrainType(PollGrains.GrainType)]
public sealed class PollGrain : Grain, IPollGrain, IRemindable
{
    const string CloseReminder = "close";
    static readonly Audience Staff = new([.. Roles.All.Where(r => r != Roles.Resident)]);
    readonly IPersistentState<PollState> store;
    readonly ILiveUpdates live;
    readonly TimeProvider clock;
    readonly ParticipationMetrics metrics;
    readonly ILogger<PollGrain> logger;
    readonly DeadlineTimer closing;

    public PollGrain(
        [PersistentState("poll", TwinStorage.Name)] IPersistentState<PollState> store,
        ILiveUpdates live,
        TimeProvider clock,
        IOptions<DeadlineOptions> deadlines,
        ParticipationMetrics metrics,
        ILogger<PollGrain> logger)
    {
        this.store = store;
        this.live = live;
        this.clock = clock;
        this.metrics = metrics;
        this.logger = logger;
        closing = new DeadlineTimer(this, CloseReminder, clock, deadlines.Value.ReminderPeriod, () => CloseIfDue());
    }

    PollState State => store.State;

    DateTimeOffset Now => clock.GetUtcNow();

    DateTimeOffset? ClosesAt => State.Exists && State.Status == PollStatuses.Open ? State.ClosesAt : null;

    Audience Audience => Staff with { Building = State.Building, Residents = true };

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        closing.Resume(ClosesAt);
        return Task.CompletedTask;
    }

    public async Task<PollView> Open(PollRequest request)
    {
        if (State.Exists)
            return PollView.Of(State);
        store.State = new PollState
        {
            Exists = true,
            Id = this.GetPrimaryKeyString(),
            Community = request.Community,
            Question = request.Question,
            Options = request.Options,
            Building = request.Building,
            CreatedBy = request.CreatedBy,
            CreatedAt = Now,
            ClosesAt = request.ClosesAt,
            Eligible = request.Eligible,
        };
        await Commit();
        await closing.Set(ClosesAt);
        Log.PollOpened(logger, State.Id, request.CreatedBy, request.Building is null ? "the community" : $"building {request.Building}", request.ClosesAt);
        return PollView.Of(State);
    }

    public async Task<PollOutcome> Vote(string household, string? householdBuilding, string option)
    {
        if (!State.Exists)
            return NotFound();
        if (PollRules.CheckVote(State, householdBuilding, option, Now, out var forbidden) is { } problem)
        {
            await CloseIfDue();
            return new PollOutcome(PollView.Of(State, household), problem, Forbidden: forbidden);
        }
        var choice = State.Options.IndexOf(option);
        var before = State.Votes.TryGetValue(household, out var earlier) ? earlier : (int?)null;
        if (before != choice)
        {
            store.State = State with
            {
                Votes = State.Votes.SetItem(household, choice),
                ChangedVotes = State.ChangedVotes + (before is null ? 0 : 1),
            };
            await Commit();
            metrics.Voted(changed: before is not null);
        }
        return new PollOutcome(PollView.Of(State, household), null);
    }

    public async Task<PollOutcome> Close(string by)
    {
        if (!State.Exists)
            return NotFound();
        if (State.Status == PollStatuses.Closed)
            return new PollOutcome(PollView.Of(State), $"the poll is already closed (at {State.ClosedAt:u})");
        await CloseNow(by);
        return new PollOutcome(PollView.Of(State), null);
    }

    public Task<PollView?> GetView(string? household) => Task.FromResult(State.Exists ? PollView.Of(State, household) : null);

    public Task ReceiveReminder(string reminderName, TickStatus status) => CloseIfDue();

    async Task CloseIfDue()
    {
        if (ClosesAt is not { } closesAt)
            await closing.Set(null);
        else if (Now >= closesAt)
            await CloseNow($"poll/{State.Id}");
        else
            await closing.Set(closesAt);
    }

    async Task CloseNow(string by)
    {
        var now = Now;
        var result = PollRules.Result(State);
        var notice = new NoticeView(NoticeView.NewId(now), State.Community, State.Building, $"Poll result: {State.Question}", result, now, by, $"poll/{State.Id}");
        store.State = State with { Status = PollStatuses.Closed, ClosedAt = now, ClosedBy = by, Result = result, Notice = notice.Id };
        await Commit();
        await closing.Set(null);
        await GrainFactory.GetBoard<NoticeView>(State.Community).Changed(notice);
        live.Publish("notice", State.Building, notice, Audience);
        metrics.PollClosed(onTime: now >= State.ClosesAt);
        Log.PollClosed(logger, State.Id, by, result);
    }

    async Task Commit()
    {
        store.State = State with { Version = State.Version + 1 };
        await store.WriteOrDeactivate(this);
        var view = PollView.Of(State);
        await GrainFactory.GetBoard<PollView>(State.Community).Changed(view);
        live.Publish("poll", State.Building, view, Audience);
    }

    PollOutcome NotFound()
    {
        DeactivateOnIdle();
        return new PollOutcome(null, $"no poll '{this.GetPrimaryKeyString()}'", NotFound: true);
    }
}
