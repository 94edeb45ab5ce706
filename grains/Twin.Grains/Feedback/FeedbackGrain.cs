using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twin.Boards;
using Twin.Deadlines;
using Twin.Incidents;
using Twin.Live;
using Twin.Parties;
using Twin.Twins;
using Twin.WorkOrders;

namespace Twin.Feedback;

/// <summary>
/// One resident's feedback: waits for the property company's response (escalating, like an incident task, when none
/// comes in time), follows the work order it becomes, and carries the household's rating. Every change is on its
/// timeline and goes to the community's feedback board and to the live stream of the household and the staff.
/// </summary>
[GrainType(FeedbackGrains.GrainType)]
public sealed class FeedbackGrain : Grain, IFeedbackGrain, IRemindable
{
    const string DeadlineReminder = "respond-by";
    readonly IPersistentState<FeedbackState> store;
    readonly IPartyDirectory parties;
    readonly ILiveUpdates live;
    readonly TimeProvider clock;
    readonly FeedbackOptions options;
    readonly ParticipationMetrics metrics;
    readonly ILogger<FeedbackGrain> logger;
    readonly DeadlineTimer deadline;

    public FeedbackGrain(
        [PersistentState("feedback", TwinStorage.Name)] IPersistentState<FeedbackState> store,
        IPartyDirectory parties,
        ILiveUpdates live,
        TimeProvider clock,
        IOptions<FeedbackOptions> options,
        IOptions<DeadlineOptions> deadlines,
        ParticipationMetrics metrics,
        ILogger<FeedbackGrain> logger)
    {
        this.store = store;
        this.parties = parties;
        this.live = live;
        this.clock = clock;
        this.options = options.Value;
        this.metrics = metrics;
        this.logger = logger;
        deadline = new DeadlineTimer(this, DeadlineReminder, clock, deadlines.Value.ReminderPeriod, CheckDeadline);
    }

    FeedbackState State => store.State;

    DateTimeOffset Now => clock.GetUtcNow();

    string Me => $"feedback/{this.GetPrimaryKeyString()}";

    /// <summary>The response task's deadline while nobody has responded.</summary>
    DateTimeOffset? RespondBy => State.Exists && State.Status == FeedbackStatuses.Open ? State.Response.Deadline : null;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        deadline.Resume(RespondBy);
        return Task.CompletedTask;
    }

    public async Task<FeedbackView> File(FeedbackFiling filing)
    {
        if (State.Exists)
            return FeedbackView.Of(State);
        var now = Now;
        var about = filing.Twin is null ? "" : $" about {filing.Twin}";
        store.State = new FeedbackState
        {
            Exists = true,
            Id = this.GetPrimaryKeyString(),
            Community = filing.Community,
            Household = filing.Household,
            Building = filing.Building,
            Category = filing.Category,
            Text = filing.Text,
            Twin = filing.Twin,
            FiledAt = now,
            Response = FeedbackRules.ResponseTask(parties.PartiesFor(Roles.Property, filing.Building), now, options.RespondWithin),
            Timeline = [new(now, filing.FiledBy, $"{filing.Category} filed{about}")],
        };
        await Commit();
        await deadline.Set(RespondBy);
        metrics.FeedbackFiled(filing.Category);
        Log.FeedbackFiled(logger, Me, filing.Household, filing.Category, filing.Twin ?? "-");
        return FeedbackView.Of(State);
    }

    public async Task<FeedbackOutcome> Answer(string by, string role, string text)
    {
        if (Refuse(role, workOrder: false) is { } refused)
            return refused;
        var now = Now;
        store.State = Responded(by, now) with
        {
            Status = FeedbackStatuses.Answered,
            Answer = text,
            DoneAt = now,
            Timeline = State.Timeline.Add(new(now, by, $"answered: {text}")),
        };
        await Commit();
        await deadline.Set(null);
        metrics.FeedbackResponded("answer");
        return new FeedbackOutcome(FeedbackView.Of(State), null);
    }

    public async Task<FeedbackOutcome> ToWorkOrder(string by, string role, string? summary)
    {
        if (Refuse(role, workOrder: true) is { } refused)
            return refused;
        var now = Now;
        var twin = State.Twin is { } t && TwinId.TryParse(t, out var about) ? about : new TwinId(TwinKinds.Household, State.Household);
        var id = WorkOrderIds.New(now);
        var order = await GrainFactory.GetWorkOrder(id).Open(new WorkOrderRequest(
            State.Community, twin, State.Building, $"feedback:{State.Category}", summary ?? State.Text, State.Id, State.Household));
        store.State = Responded(by, now) with
        {
            Status = FeedbackStatuses.InWork,
            WorkOrder = order.Id,
            WorkOrderStatus = order.Status,
            Timeline = State.Timeline.Add(new(now, by, $"work order {order.Id} opened")),
        };
        await Commit();
        await deadline.Set(null);
        metrics.FeedbackResponded("work_order");
        return new FeedbackOutcome(FeedbackView.Of(State), null);
    }

    FeedbackOutcome? Refuse(string role, bool workOrder)
    {
        if (!State.Exists)
        {
            DeactivateOnIdle();
            return new FeedbackOutcome(null, $"no feedback '{this.GetPrimaryKeyString()}'", NotFound: true);
        }
        return FeedbackRules.CheckResponse(State, role, workOrder) is { } problem
            ? new FeedbackOutcome(FeedbackView.Of(State), problem, Forbidden: !(workOrder ? FeedbackRules.WorkOrderers : FeedbackRules.Answerers).Contains(role))
            : null;
    }

    FeedbackState Responded(string by, DateTimeOffset now) => State with
    {
        Response = State.Response with
        {
            Status = TaskStatuses.Done,
            AcknowledgedAt = State.Response.AcknowledgedAt ?? now,
            AcknowledgedBy = State.Response.AcknowledgedBy ?? by,
            DoneAt = now,
            DoneBy = by,
        },
    };

    public async Task WorkOrderChanged(WorkOrderView workOrder)
    {
        if (!State.Exists || workOrder.Id != State.WorkOrder)
            return;
        var timeline = State.Timeline;
        foreach (var step in workOrder.History.Where(s => s.At > (State.Response.DoneAt ?? State.FiledAt)))
            if (FeedbackRules.Describe(step) is { } what && !timeline.Any(e => e.At == step.At && e.What == what))
                timeline = timeline.Add(new(step.At, step.By, what));
        var rating = workOrder.Rating;
        if (rating is not null && rating != State.Rating)
        {
            timeline = timeline.Add(new(rating.At, rating.By, $"rated {rating.Stars}/5{(rating.Comment is null ? "" : $": {rating.Comment}")}"));
            metrics.Rated(rating.Stars);
        }
        var done = workOrder.Status == WorkOrderStatus.Done.ToWire();
        if (timeline == State.Timeline && workOrder.Status == State.WorkOrderStatus && rating == State.Rating)
            return;
        store.State = State with
        {
            WorkOrderStatus = workOrder.Status,
            Status = done ? FeedbackStatuses.Done : State.Status,
            DoneAt = done ? State.DoneAt ?? workOrder.UpdatedAt : State.DoneAt,
            Rating = rating ?? State.Rating,
            Timeline = timeline,
        };
        await Commit();
    }

    public Task<FeedbackView?> GetView() => Task.FromResult(State.Exists ? FeedbackView.Of(State) : null);

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDeadline();

    async Task CheckDeadline()
    {
        if (RespondBy is null)
        {
            await deadline.Set(null);
            return;
        }
        var chain = EscalationChain.Resolve(options.EscalateTo, parties);
        var task = State.Response;
        if (IncidentRules.Escalate(task, chain, Now, out var to) is { } escalated)
        {
            var what = to is null
                ? null
                : $"no response within {Durations.Text(task.AckWithin)}: escalated to {to}";
            store.State = State with
            {
                Response = escalated,
                Timeline = what is null ? State.Timeline : State.Timeline.Add(new(Now, Me, what)),
            };
            await Commit();
            if (to is not null)
            {
                metrics.FeedbackEscalated();
                Log.FeedbackEscalated(logger, Me, to);
            }
        }
        await deadline.Set(RespondBy);
    }

    async Task Commit()
    {
        store.State = State with { Version = State.Version + 1, UpdatedAt = Now };
        await store.WriteOrDeactivate(this);
        var view = FeedbackView.Of(State);
        await GrainFactory.GetBoard<FeedbackView>(State.Community).Changed(view);
        live.Publish("feedback", State.Building, view, new Audience([.. FeedbackRules.Answerers], State.Building, State.Household));
    }
}
