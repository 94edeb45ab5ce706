using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twin.Boards;
using Twin.Deadlines;
using Twin.Incidents;
using Twin.Live;
using Twin.Parties;
using Twin.Twins;

namespace Twin.Care;

/// <summary>
/// Watches one vulnerable household: remembers when it last showed activity, opens a welfare check for the grid workers
/// of its building once it has been silent for the window, escalates the check when nobody acknowledges it, and closes
/// it on a check-in or the visit. Keeps time with a timer, and a reminder across restarts.
/// </summary>
[GrainType(WelfareGrains.GrainType)]
public sealed class WelfareWatchGrain : Grain, IWelfareWatchGrain, IRemindable
{
    const string DueReminder = "welfare";
    static readonly Audience CareStaff = new([Roles.Grid, Roles.Committee, Roles.Admin]);
    readonly IPersistentState<WelfareWatchState> store;
    readonly IPartyDirectory parties;
    readonly ILiveUpdates live;
    readonly TimeProvider clock;
    readonly CareOptions options;
    readonly ParticipationMetrics metrics;
    readonly ILogger<WelfareWatchGrain> logger;
    readonly DeadlineTimer due;

    public WelfareWatchGrain(
        [PersistentState("welfare", TwinStorage.Name)] IPersistentState<WelfareWatchState> store,
        IPartyDirectory parties,
        ILiveUpdates live,
        TimeProvider clock,
        IOptions<CareOptions> options,
        IOptions<DeadlineOptions> deadlines,
        ParticipationMetrics metrics,
        ILogger<WelfareWatchGrain> logger)
    {
        this.store = store;
        this.parties = parties;
        this.live = live;
        this.clock = clock;
        this.options = options.Value;
        this.metrics = metrics;
        this.logger = logger;
        due = new DeadlineTimer(this, DueReminder, clock, deadlines.Value.ReminderPeriod, CheckDue);
    }

    WelfareWatchState State => store.State;

    DateTimeOffset Now => clock.GetUtcNow();

    string Me => $"welfare/{this.GetPrimaryKeyString()}";

    DateTimeOffset? NextDue => WelfareRules.NextDue(State, options.InactivityWindow);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        due.Resume(NextDue);
        return Task.CompletedTask;
    }

    public async Task Watch(WelfareSubject subject)
    {
        var now = Now;
        if (!subject.Vulnerable)
        {
            if (!State.Watching)
                return;
            store.State = State with
            {
                Watching = false,
                Residents = subject.Residents,
                Check = State.Check is { IsOpen: true } open ? WelfareRules.Close(open, now, Me, "the household is no longer flagged vulnerable") : State.Check,
            };
        }
        else
        {
            store.State = State with
            {
                Watching = true,
                Community = subject.Community,
                Household = subject.Household,
                Building = subject.Building,
                Floor = subject.Floor,
                Residents = subject.Residents,
                // The window starts when the watch does: a household just flagged is not already overdue.
                LastActivityAt = State.Watching ? State.LastActivityAt : now,
                LastActivity = State.Watching ? State.LastActivity : "watch started",
            };
        }
        await Commit(toBoard: true);
        await due.Set(NextDue);
    }

    public async Task Activity(string how, bool closesCheck)
    {
        if (!State.Watching)
            return;
        var now = Now;
        var check = State.Check;
        var checkChanged = false;
        if (check is { IsOpen: true })
        {
            checkChanged = true;
            check = closesCheck
                ? WelfareRules.Close(check, now, $"household/{State.Household}", how)
                : check with { Timeline = check.Timeline.Add(new(now, $"household/{State.Household}", how)) };
            if (closesCheck)
            {
                metrics.WelfareCheckClosed("activity");
                Log.WelfareCheckClosed(logger, State.Household, check.Id, $"household/{State.Household}", how);
            }
        }
        store.State = State with { LastActivityAt = now, LastActivity = how, Check = check };
        await Commit(toBoard: checkChanged);
        await due.Set(NextDue);
    }

    public async Task<WelfareOutcome> Step(string action, string partyId, string role, string? note)
    {
        if (!State.Watching || State.Check is not { IsOpen: true } check)
        {
            if (!State.Watching)
                DeactivateOnIdle();
            return new WelfareOutcome(State.Watching ? WelfareView.Of(State, true) : null,
                State.Watching ? $"household {this.GetPrimaryKeyString()} has no open welfare check" : $"household {this.GetPrimaryKeyString()} is not under a welfare watch",
                NotFound: !State.Watching);
        }
        if (!IncidentRules.MayActOn(check.Task, partyId, role))
            return new WelfareOutcome(WelfareView.Of(State, true), $"the welfare check of household {State.Household} is for {string.Join(", ", check.Task.Parties.Concat(check.Task.EscalatedTo))}, not for {partyId}", Forbidden: true);
        var now = Now;
        if (action == "ack")
        {
            if (check.Task.Status != TaskStatuses.Pending)
                return new WelfareOutcome(WelfareView.Of(State, true), $"the welfare check is already acknowledged by {check.Task.AcknowledgedBy}");
            check = check with
            {
                Task = check.Task with { Status = TaskStatuses.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = partyId },
                Timeline = check.Timeline.Add(new(now, partyId, $"acknowledged{(note is null ? "" : $": {note}")}")),
            };
            store.State = State with { Check = check };
        }
        else
        {
            var how = $"visited by {partyId}{(note is null ? "" : $": {note}")}";
            check = WelfareRules.Close(check with
            {
                Task = check.Task with { AcknowledgedAt = check.Task.AcknowledgedAt ?? now, AcknowledgedBy = check.Task.AcknowledgedBy ?? partyId },
            }, now, partyId, how);
            // The visit is the household's latest sign of life: the quiet window starts again from it.
            store.State = State with { Check = check, LastActivityAt = now, LastActivity = how };
            metrics.WelfareCheckClosed("visit");
            Log.WelfareCheckClosed(logger, State.Household, check.Id, partyId, how);
        }
        await Commit(toBoard: true);
        await due.Set(NextDue);
        return new WelfareOutcome(WelfareView.Of(State, true), null);
    }

    public Task<WelfareView?> GetView() => Task.FromResult(State.Household.Length > 0 ? WelfareView.Of(State, true) : null);

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDue();

    async Task CheckDue()
    {
        var now = Now;
        if (WelfareRules.CheckIsDue(State, now, options.InactivityWindow))
        {
            var grid = parties.PartiesFor(Roles.Grid, State.Building);
            var check = WelfareRules.Open(State, WelfareGrains.NewCheckId(now), grid, now, options.AckWithin, Me);
            store.State = State with { Check = check, ChecksOpened = State.ChecksOpened + 1 };
            await Commit(toBoard: true);
            metrics.WelfareCheckOpened();
            Log.WelfareCheckOpened(logger, State.Household, State.LastActivityAt, check.Id, grid.Count == 0 ? "grid" : string.Join(", ", grid));
        }
        else if (State.Check is { IsOpen: true } open
            && IncidentRules.Escalate(open.Task, EscalationChain.Resolve(options.EscalateTo, parties), now, out var to) is { } escalated)
        {
            var timeline = to is null ? open.Timeline
                : open.Timeline.Add(new(now, Me, $"not acknowledged within {Durations.Text(open.Task.AckWithin)}: escalated to {to}"));
            store.State = State with { Check = open with { Task = escalated, Timeline = timeline } };
            await Commit(toBoard: true);
            if (to is not null)
            {
                metrics.WelfareCheckEscalated();
                Log.WelfareCheckEscalated(logger, State.Household, open.Id, to);
            }
        }
        await due.Set(NextDue);
    }

    async Task Commit(bool toBoard)
    {
        store.State = State with { Version = State.Version + 1 };
        await store.WriteOrDeactivate(this);
        if (!toBoard || State.Community.Length == 0)
            return;
        var view = WelfareView.Of(State, withActivity: false);
        await GrainFactory.GetBoard<WelfareView>(State.Community).Changed(view);
        live.Publish("welfare", State.Building, view.WithoutResidents(), CareStaff with { Building = State.Building });
    }
}
