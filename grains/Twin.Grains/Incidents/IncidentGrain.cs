using System.Text.Json;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twin.Communities;
using Twin.History;
using Twin.Twins;
using DeviceCommand = (Twin.TwinId Twin, string Command, System.Collections.Immutable.ImmutableDictionary<string, Twin.Twins.FieldValue> Args, string Phase);

namespace Twin.Incidents;

/// <summary>
/// One incident: runs its playbook (tasks for the parties, device actions through confirmed commands, households asked
/// to check in, assisted evacuation for the vulnerable), escalates what is not acknowledged in time, and writes every
/// step on its timeline. Deadlines are checked by a timer while active and a reminder that wakes it after a restart.
/// </summary>
[GrainType(TwinKinds.Incident)]
public sealed class IncidentGrain(
    [PersistentState("incident", TwinStorage.Name)] IPersistentState<IncidentState> store,
    IPartyDirectory parties,
    ITwinOutput output,
    IHistoryLog history,
    TimeProvider clock,
    IOptions<IncidentOptions> options,
    ILogger<IncidentGrain> logger) : Grain, IIncidentGrain, IRemindable
{
    const string DeadlineReminder = "deadlines";
    IGrainTimer? deadlineTimer;
    int stepsInHistory;

    IncidentState State => store.State;

    DateTimeOffset Now => clock.GetUtcNow();

    string Me => $"incident/{this.GetPrimaryKeyString()}";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        stepsInHistory = State.Timeline.Count;
        if (State.IsActive)
            StartDeadlineTimer();
        return Task.CompletedTask;
    }

    public async Task<IncidentView> Open(IncidentTrigger trigger, Playbook playbook)
    {
        if (State.Exists)
            return IncidentView.Of(State);
        var now = Now;
        var timeline = ImmutableList.CreateBuilder<TimelineEntry>();
        timeline.Add(new(now, trigger.RaisedBy, $"{trigger.Type} {(trigger.Drill ? "DRILL" : "incident")} opened{(trigger.Building is null ? "" : $" in building {trigger.Building}")}: {trigger.Description}"));
        var tasks = ImmutableList.CreateBuilder<IncidentTask>();
        foreach (var step in playbook.Tasks)
        {
            // Whoever a task escalates to is not given it from the start (the street office may share the committee's role).
            var assigned = parties.PartiesFor(step.Role, trigger.Building).Except(playbook.EscalateTo).ToList();
            var task = NewTask(tasks.Count + 1, step.Role, assigned, step.Title, now, step.AckWithin, household: null);
            tasks.Add(task);
            timeline.Add(new(now, Me, $"task {task.Id} for {Who(task)}: {task.Title} (acknowledge within {step.AckWithin.TotalSeconds:0} s)"));
        }
        store.State = IncidentState.Opened(this.GetPrimaryKeyString(), trigger, playbook, now, tasks.ToImmutable(), timeline.ToImmutable());
        await Commit();
        StartDeadlineTimer();
        Log.IncidentOpened(logger, Me, trigger.Type, trigger.Place, trigger.Description);
        // The device actions take many calls; run them as the incident's next turn so the desk is free at once. The
        // deadline reminder (for a silo that dies) is registered there too, once the devices have their commands.
        await this.AsReference<IIncidentGrain>().RunPlaybook();
        return IncidentView.Of(State);
    }

    public async Task RunPlaybook()
    {
        if (!State.IsActive || State.PlaybookRan || State.Playbook is not { } playbook)
            return;
        store.State = State with { PlaybookRan = true };
        var community = GrainFactory.GetCommunity(State.Community);
        var reason = $"{State.Type} {(State.Drill ? "drill" : "incident")} {State.Id}";
        // Gates, lamps and cameras are looked up and commanded side by side: the gates (evacuation routes) wait for
        // nothing else.
        var groups = new List<Task<IReadOnlyList<DeviceAction>>>();
        if (playbook.GatesTo is { } mode)
            groups.Add(SendWhenFound(Gates(mode)));
        if (playbook.LampsEmergency)
            groups.Add(SendWhenFound(Lamps()));
        if (playbook.CamerasRecord && State.Building is { } covered)
            groups.Add(SendWhenFound(Cameras(covered)));
        Record((await Task.WhenAll(groups)).SelectMany(sent => sent).ToList());
        if (State.Building is { } building && (playbook.HouseholdsCheckIn || playbook.AssistVulnerable))
            await AccountForPeople(community, building, playbook, reason);
        await Commit();
        await this.RegisterOrUpdateReminder(DeadlineReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);

        async Task<IReadOnlyList<DeviceAction>> SendWhenFound(Task<IEnumerable<DeviceCommand>> found) => await Send(await found, reason);

        async Task<IEnumerable<DeviceCommand>> Gates(string mode) =>
            (await community.Query(new TwinQuery(TwinKinds.Gate, null, null, 100_000)))
                .Select(gate => (new TwinId(TwinKinds.Gate, gate.Id), "set_mode", Fields.Of(("mode", mode)), "respond"));

        async Task<IEnumerable<DeviceCommand>> Lamps() =>
            (await LampsToLight(community)).Select(lamp => (lamp, "set_mode", Fields.Of(("mode", "emergency")), "respond"));

        async Task<IEnumerable<DeviceCommand>> Cameras(string covered) =>
            (await community.Query(new TwinQuery(TwinKinds.Camera, covered, null, 100_000)))
                .SelectMany(camera => new DeviceCommand[]
                {
                    (new TwinId(TwinKinds.Camera, camera.Id), "start_recording", Fields.Empty, "respond"),
                    (new TwinId(TwinKinds.Camera, camera.Id), "bookmark", Fields.Of(("label", reason)), "respond"),
                });
    }

    /// <summary>Asks every household of the building to check in, and makes each vulnerable resident a task for the building's grid workers.</summary>
    async Task AccountForPeople(ICommunityGrain community, string building, Playbook playbook, string reason)
    {
        var now = Now;
        var summaries = await community.Query(new TwinQuery(TwinKinds.Household, building, null, 100_000));
        var views = (await Task.WhenAll(summaries.Select(h => GrainFactory.GetTwin(new TwinId(TwinKinds.Household, h.Id)).GetView(true))))
            .OfType<TwinView>().Where(v => v.Building == building).ToList();

        if (playbook.HouseholdsCheckIn)
        {
            var accounts = views.ToImmutableDictionary(v => v.Id, v => new HouseholdAccount(v.Id, (int?)v.Profile.GetNumber("floor"),
                HouseholdStatuses.Unaccounted, null, null, v.Members?.Any(m => !m.Vulnerability.IsEmpty) == true));
            store.State = State with
            {
                Households = accounts,
                Timeline = State.Timeline.Add(new(now, Me, $"{accounts.Count} households of building {building} asked to check in")),
            };
            await SendAll(views.Select(v => (new TwinId(TwinKinds.Household, v.Id), "request_check_in",
                Fields.Of(("message", $"{State.Type.Replace('_', ' ')} in building {building}: are you safe?")), "check_in")), reason);
        }

        if (playbook.AssistVulnerable)
        {
            var grid = parties.PartiesFor("grid", building);
            var ackWithin = playbook.Tasks.FirstOrDefault()?.AckWithin ?? TimeSpan.FromSeconds(60);
            var tasks = State.Tasks;
            foreach (var view in views)
                foreach (var (member, index) in (view.Members ?? []).Select((m, i) => (m, i)).Where(x => !x.m.Vulnerability.IsEmpty))
                {
                    var floor = view.Profile.GetNumber("floor") is { } f ? $", floor {f}" : "";
                    tasks = tasks.Add(NewTask(tasks.Count + 1, "grid", grid,
                        // No names or vulnerability flags here: the incident is seen by parties who may not see them.
                        $"Assisted evacuation: household {view.Id}{floor}, resident {index + 1}", now, ackWithin, view.Id));
                }
            var added = tasks.Count - State.Tasks.Count;
            store.State = State with
            {
                Tasks = tasks,
                Timeline = added == 0 ? State.Timeline
                    : State.Timeline.Add(new(now, Me, $"{added} assisted-evacuation task(s) for {(grid.Count == 0 ? "grid" : string.Join(", ", grid))}")),
            };
        }
    }

    static IncidentTask NewTask(int number, string role, IReadOnlyList<string> parties, string title, DateTimeOffset now, TimeSpan ackWithin, string? household) =>
        new($"t{number}", role, [.. parties], title, TaskStatuses.Pending, now, now + ackWithin, ackWithin, [], null, null, null, null, household, 0);

    static string Who(IncidentTask task) => task.Parties.IsEmpty ? task.Role : $"{task.Role} ({string.Join(", ", task.Parties)})";

    public async Task Attach(IncidentTrigger trigger)
    {
        if (!State.IsActive)
            return;
        store.State = State with
        {
            Triggers = State.Triggers.Add(trigger),
            Timeline = State.Timeline.Add(new(Now, trigger.RaisedBy, $"another trigger at the same place: {trigger.Description}")),
        };
        await Commit();
    }

    public Task<IncidentView?> GetView() => Task.FromResult(State.Exists ? IncidentView.Of(State) : null);

    public Task<IncidentReport?> GetReport() => Task.FromResult(State.Exists ? IncidentRules.Report(State, Now) : null);

    public async Task<IncidentOutcome> TaskStep(string taskId, string action, string partyId, string role)
    {
        if (!State.Exists)
            return NotFound();
        var task = State.Tasks.FirstOrDefault(t => t.Id == taskId);
        if (task is null)
            return new IncidentOutcome(IncidentView.Of(State), $"incident {State.Id} has no task '{taskId}'", NotFound: true);
        if (!IncidentRules.MayActOn(task, partyId, role))
            return new IncidentOutcome(IncidentView.Of(State), $"task {taskId} belongs to {Who(task)}, not to {partyId}", Forbidden: true);
        var now = Now;
        IncidentTask updated;
        switch (action)
        {
            case "ack" when task.Status == TaskStatuses.Pending:
                updated = task with { Status = TaskStatuses.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = partyId };
                break;
            case "complete" when task.Status != TaskStatuses.Done:
                updated = task with { Status = TaskStatuses.Done, DoneAt = now, DoneBy = partyId, AcknowledgedAt = task.AcknowledgedAt ?? now, AcknowledgedBy = task.AcknowledgedBy ?? partyId };
                break;
            case "ack":
                return new IncidentOutcome(IncidentView.Of(State), $"task {taskId} is already {task.Status}");
            default:
                return new IncidentOutcome(IncidentView.Of(State), $"task {taskId} is already done");
        }
        store.State = State with
        {
            Tasks = State.Tasks.Replace(task, updated),
            Timeline = State.Timeline.Add(new(now, partyId, $"{(action == "ack" ? "acknowledged" : "completed")} task {taskId}: {task.Title}")),
        };
        if (updated.Household is { } household && action == "complete" && State.Households.TryGetValue(household, out var account) && account.Status != HouseholdStatuses.Safe)
            MarkHousehold(household, HouseholdStatuses.Safe, partyId, now);
        await Commit();
        return new IncidentOutcome(IncidentView.Of(State), null);
    }

    public async Task<IncidentOutcome> Account(string household, string status, string by)
    {
        if (!State.Exists)
            return NotFound();
        if (!State.IsActive)
            return new IncidentOutcome(IncidentView.Of(State), $"incident {State.Id} is closed");
        if (!State.Households.ContainsKey(household))
            return new IncidentOutcome(IncidentView.Of(State), $"household {household} is not part of incident {State.Id}", NotFound: true);
        MarkHousehold(household, status, by, Now);
        await Commit();
        return new IncidentOutcome(IncidentView.Of(State), null);
    }

    void MarkHousehold(string household, string status, string by, DateTimeOffset now)
    {
        var account = State.Households[household] with { Status = status, At = now, By = by };
        var households = State.Households.SetItem(household, account);
        var allAccounted = State.AllAccountedAt ?? (households.Values.All(h => h.Status != HouseholdStatuses.Unaccounted) ? now : null);
        var timeline = State.Timeline.Add(new(now, by, $"household {household}: {status.Replace('_', ' ')}"));
        if (allAccounted is not null && State.AllAccountedAt is null)
            timeline = timeline.Add(new(now, Me, $"every household of the building is accounted for ({households.Count})"));
        store.State = State with { Households = households, AllAccountedAt = allAccounted, Timeline = timeline };
    }

    public async Task<IncidentOutcome> Close(string by, string role)
    {
        if (!State.Exists)
            return NotFound();
        if (!IncidentRules.CoordinatorRoles.Contains(role))
            return new IncidentOutcome(IncidentView.Of(State), $"only a coordinator ({string.Join(", ", IncidentRules.CoordinatorRoles)}) closes an incident", Forbidden: true);
        if (!State.IsActive)
            return new IncidentOutcome(IncidentView.Of(State), $"incident {State.Id} is already closed");
        var now = Now;
        store.State = State with
        {
            Status = "closed",
            ClosedAt = now,
            ClosedBy = by,
            Timeline = State.Timeline.Add(new(now, by, "incident closed")),
        };
        await RestoreDevices();
        await Commit();
        deadlineTimer?.Dispose();
        deadlineTimer = null;
        if (await this.GetReminder(DeadlineReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
        Log.IncidentClosed(logger, Me, by);
        return new IncidentOutcome(IncidentView.Of(State), null);
    }

    public async Task ActionSettled(string twin, string commandId, bool ok, string detail)
    {
        var action = State.Actions.FirstOrDefault(a => a.CommandId == commandId);
        if (action is null || action.Status != ActionStatuses.Pending)
            return;
        var now = Now;
        var settled = action with { Status = ok ? ActionStatuses.Confirmed : ActionStatuses.Failed, Detail = detail, At = now };
        store.State = State with
        {
            Actions = State.Actions.Replace(action, settled),
            Timeline = State.Timeline.Add(new(now, twin, ok ? $"confirmed {action.Command}" : $"FAILED {action.Command}: {detail}")),
        };
        if (!ok && State.IsActive)
        {
            // A life-safety action the device did not carry out becomes a person's job.
            var ackWithin = TimeSpan.FromSeconds(60);
            var task = NewTask(State.Tasks.Count + 1, "property", parties.PartiesFor("property", State.Building),
                $"Do by hand what {twin} did not: {action.Command} ({action.Phase})", now, ackWithin, household: null);
            store.State = State with
            {
                Tasks = State.Tasks.Add(task),
                Timeline = State.Timeline.Add(new(now, Me, $"task {task.Id} for {Who(task)}: {task.Title}")),
            };
        }
        await Commit();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!State.IsActive)
        {
            if (await this.GetReminder(reminderName) is { } reminder)
                await this.UnregisterReminder(reminder);
            return;
        }
        StartDeadlineTimer();
        await CheckDeadlines();
    }

    void StartDeadlineTimer()
    {
        if (deadlineTimer is not null)
            return;
        var every = options.Value.CheckEvery;
        deadlineTimer = this.RegisterGrainTimer(_ => CheckDeadlines(), new GrainTimerCreationOptions(every, every) { KeepAlive = true });
    }

    async Task CheckDeadlines()
    {
        if (!State.IsActive || State.Playbook is not { } playbook)
            return;
        var now = Now;
        var changed = false;
        foreach (var task in State.Tasks)
        {
            if (IncidentRules.Escalate(task, playbook.EscalateTo, now, out var to) is not { } escalated)
                continue;
            changed = true;
            // Once nobody is left, further missed deadlines are counted for the report, not written on the timeline each time.
            var nobodyLeftBefore = to is null && task.MissedDeadlines > task.EscalatedTo.Length;
            var what = to is null
                ? $"task {task.Id} ({Who(task)}) still not acknowledged; no one left to escalate to"
                : $"task {task.Id} ({Who(task)}) not acknowledged within {task.AckWithin.TotalSeconds:0} s: escalated to {to}";
            store.State = State with
            {
                Tasks = State.Tasks.Replace(task, escalated),
                Timeline = nobodyLeftBefore ? State.Timeline : State.Timeline.Add(new(now, Me, what)),
            };
            if (!nobodyLeftBefore)
                Log.TaskEscalated(logger, Me, task.Id, task.Role, to ?? "nobody");
        }
        if (changed)
            await Commit();
    }

    async Task RestoreDevices()
    {
        if (State.Playbook is not { } playbook)
            return;
        var community = GrainFactory.GetCommunity(State.Community);
        var commands = new List<DeviceCommand>();
        if (playbook.GatesTo is not null)
            foreach (var gate in await community.Query(new TwinQuery(TwinKinds.Gate, null, null, 100_000)))
                commands.Add((new TwinId(TwinKinds.Gate, gate.Id), "set_mode", Fields.Of(("mode", "normal")), "restore"));
        if (playbook.LampsEmergency)
            foreach (var lamp in await LampsToLight(community))
                commands.Add((lamp, "set_mode", Fields.Of(("mode", "auto")), "restore"));
        await SendAll(commands, $"{(State.Drill ? "drill" : "incident")} {State.Id} closed: back to normal");
    }

    async Task<IEnumerable<TwinId>> LampsToLight(ICommunityGrain community)
    {
        if (State.Building is null)
            return [];
        var buildings = new HashSet<string> { State.Building };
        var building = await GrainFactory.GetBuilding(State.Building).GetView(false);
        foreach (var neighbour in (building?.Profile.GetText("neighbours") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            buildings.Add(neighbour.Trim());
        var lamps = new HashSet<TwinId>();
        foreach (var b in buildings)
            foreach (var lamp in await community.Query(new TwinQuery(TwinKinds.Lamp, b, null, 100_000)))
                lamps.Add(new TwinId(TwinKinds.Lamp, lamp.Id));
        return lamps;
    }

    async Task SendAll(IEnumerable<DeviceCommand> commands, string reason) =>
        Record(await Send(commands, reason));

    /// <summary>Sends every command at once; the twins answer each with what became of it.</summary>
    async Task<IReadOnlyList<DeviceAction>> Send(IEnumerable<DeviceCommand> commands, string reason)
    {
        var now = Now;
        return await Task.WhenAll(commands.Select(async c =>
        {
            try
            {
                var outcome = await GrainFactory.GetTwin(c.Twin).Command(c.Command, c.Args, reason, Me, State.Drill);
                return outcome.Error is null
                    ? new DeviceAction(c.Twin.ToString(), Describe(c.Command, c.Args), outcome.CommandId,
                        outcome.CommandId is null ? ActionStatuses.Confirmed : ActionStatuses.Pending, now, outcome.CommandId is null ? "nothing to change" : null, c.Phase)
                    : new DeviceAction(c.Twin.ToString(), Describe(c.Command, c.Args), null, ActionStatuses.Failed, now, outcome.Error, c.Phase);
            }
            catch (Exception e)
            {
                return new DeviceAction(c.Twin.ToString(), Describe(c.Command, c.Args), null, ActionStatuses.Failed, now, e.Message, c.Phase);
            }
        }));
    }

    /// <summary>The incident's record of what it sent: its actions and a timeline line per command.</summary>
    void Record(IReadOnlyList<DeviceAction> sent)
    {
        if (sent.Count == 0)
            return;
        var now = sent.Min(a => a.At);
        store.State = State with { Actions = State.Actions.AddRange(sent) };
        foreach (var group in sent.GroupBy(a => a.Command))
            store.State = State with { Timeline = State.Timeline.Add(new(now, Me, $"{group.Key}: {group.Count()} device(s) ({string.Join(", ", group.Select(a => a.Twin))})")) };
    }

    static string Describe(string command, ImmutableDictionary<string, FieldValue> args) =>
        args.IsEmpty ? command : $"{command} {string.Join(" ", args.Select(a => $"{a.Key}={a.Value}"))}";

    async Task Commit()
    {
        store.State = State with { Version = State.Version + 1 };
        await store.WriteOrDeactivate(this);
        foreach (var step in State.Timeline.Skip(stepsInHistory))
            await history.Enqueue(new HistoryEntry(Me, HistoryKind.IncidentStep, null, step.At, null, JsonSerializer.Serialize(step, TwinJson.Options)));
        stepsInHistory = State.Timeline.Count;
        var view = IncidentView.Of(State);
        output.IncidentChanged(view);
        GrainFactory.GetIncidentDesk(State.Community).Changed(view).Ignore();
    }

    IncidentOutcome NotFound()
    {
        DeactivateOnIdle();
        return new IncidentOutcome(null, $"no incident '{this.GetPrimaryKeyString()}'", NotFound: true);
    }
}
