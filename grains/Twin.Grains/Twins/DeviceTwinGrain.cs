using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging;
using Twin.Care;
using Twin.Communities;
using Twin.History;
using Twin.Incidents;
using Twin.Schema;
using Twin.WorkOrders;

namespace Twin.Twins;

/// <summary>
/// What every physical twin does, whatever its kind: provisioning, applying device messages in order, carrying out
/// the effects its <see cref="KindRules"/> decide, confirmed commands with back-off, rollup updates and state out.
/// A kind's grain only names its rules and its grain type. Telemetry that moved only reported values is stored within
/// <see cref="DeviceTwinOptions.CoalesceTelemetryFor"/>, not at once; everything else is stored before the call returns.
/// </summary>
public abstract class DeviceTwinGrain : Grain, ITwinGrain
{
    readonly KindRules rules;
    readonly IPersistentState<TwinState> store;
    readonly TwinServices services;
    readonly ILogger logger;
    IGrainTimer? commandTimer;
    IGrainTimer? tickTimer;
    IGrainTimer? flushTimer;
    bool heldBefore;
    DateTimeOffset listeningSince;
    TwinSummary? lastReported;
    TwinState? lastCommitted;
    TwinState? lastStored;
    bool holdsUnstored;

    protected DeviceTwinGrain(KindRules rules, IPersistentState<TwinState> store, TwinServices services)
    {
        this.rules = rules;
        this.store = store;
        this.services = services;
        logger = services.Loggers.CreateLogger(GetType());
    }

    protected TwinState State => store.State;

    DateTimeOffset Now => services.Clock.GetUtcNow();

    string Address => $"{rules.Kind}/{this.GetPrimaryKeyString()}";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        listeningSince = Now;
        lastStored = State;
        if (State.Provisioned)
        {
            await CatchUpFromHistory(cancellationToken);
            services.Metrics.TwinActivated(rules.Kind);
            EnsureTimers();
            ReportToRollups(force: true);
        }
        lastCommitted = State;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (State.Provisioned)
            services.Metrics.TwinDeactivated(rules.Kind);
        await Flush();
    }

    /// <summary>
    /// Telemetry this twin applied but had not stored when its silo died is in the history (ingestion acknowledges a
    /// message only once its row is stored): it is merged again, in order, state only — its effects were carried out
    /// the first time, and what they changed was stored at once. A history that cannot be read fails the activation,
    /// as a state that cannot be read does, and the caller tries again.
    /// </summary>
    async Task CatchUpFromHistory(CancellationToken cancellationToken)
    {
        var rows = await services.History.ReadTelemetryAfter(Address, State.LastSeq, State.UpdatedAt, cancellationToken);
        var replayed = State;
        foreach (var row in rows)
        {
            var parsed = MessageParser.Parse(rules.Schema, MessageChannel.Telemetry, Encoding.UTF8.GetBytes(row.Body));
            if (parsed.Message is { } message)
                replayed = TwinTransitions.Replay(replayed, message, row.At);
            else
                Log.ReplaySkipped(logger, Address, row.Seq, parsed.Rejection!.Reason);
        }
        if (replayed.Version == State.Version)
            return;
        Log.TelemetryReplayed(logger, Address, replayed.Version - State.Version, replayed.LastSeq);
        store.State = replayed;
        if (services.Twins.Coalesces)
            HoldBack();
        else
            await Store();
    }

    public async Task<ProvisionOutcome> Provision(TwinProvision provision)
    {
        var current = State;
        var next = current with
        {
            Kind = rules.Kind,
            Id = this.GetPrimaryKeyString(),
            Community = provision.Community,
            Building = provision.Building,
            Covers = provision.Covers,
            Profile = provision.Profile,
            Members = provision.Members,
            Provisioned = true,
            Settings = current.Provisioned ? current.Settings : rules.InitialSettings,
        };
        if (current.Provisioned && SameProvision(current, next))
            return ProvisionOutcome.Unchanged;

        var outcome = current.Provisioned ? ProvisionOutcome.Changed : ProvisionOutcome.Added;
        if (outcome == ProvisionOutcome.Added)
            services.Metrics.TwinActivated(rules.Kind);
        store.State = next;
        await CarryOut(rules.OnProvisioned(current.Provisioned ? current : null, next), "provisioning");
        await Commit();
        EnsureTimers();
        return outcome;
    }

    static bool SameProvision(TwinState a, TwinState b) =>
        a.Community == b.Community && a.Building == b.Building && a.Covers.SequenceEqual(b.Covers)
        && a.Profile.Count == b.Profile.Count && a.Profile.Contains(b.Profile) && a.Members.SequenceEqual(b.Members, MemberComparer.Instance);

    public async Task<ApplyOutcome> Apply(DeviceMessage message)
    {
        if (!State.Provisioned)
        {
            // An unknown id must never leave a twin behind: don't write, and don't stay in memory.
            DeactivateOnIdle();
            return ApplyOutcome.UnknownTwin;
        }
        if (message.Seq is { } seq && State.LastSeq is { } last && seq <= last)
            return ApplyOutcome.Duplicate;

        var now = Now;
        var outcome = ApplyOutcome.Applied;
        (store.State, var merged) = TwinTransitions.Received(State, message, now);
        IReadOnlyList<Effect> effects = [];

        if (message.Channel == MessageChannel.Telemetry)
        {
            if (merged)
            {
                foreach (var confirmed in TwinTransitions.ConfirmedByReport(State))
                    Confirm(confirmed, "reported state");
                effects = rules.OnTelemetry(State, now);
            }
            else
                outcome = ApplyOutcome.Stale;
        }
        else if (message.EventType == KindSchema.CommandAck.Type)
            Acknowledge(message.Fields);
        else
            effects = rules.OnEvent(State, message, now);

        await CarryOut(effects, "device");
        await Commit(telemetry: message.Channel == MessageChannel.Telemetry, versioned: true);
        return outcome;
    }

    public Task<TwinView?> GetView(bool includePersonalData) =>
        Task.FromResult(State.Provisioned ? View(includePersonalData) : null);

    protected virtual TwinView View(bool includePersonalData) => TwinView.Of(State, includePersonalData);

    public async Task<CommandOutcome> Command(string command, ImmutableDictionary<string, FieldValue> args, string? reason, string issuedBy, bool drill)
    {
        if (!State.Provisioned)
        {
            DeactivateOnIdle();
            return CommandOutcome.NotFound;
        }
        var spec = rules.Schema.FindCommand(command);
        if (spec is null)
            return new CommandOutcome(true, null, "rejected", $"a {rules.Kind} has no command '{command}'");

        IReadOnlyList<Effect> effects;
        if (spec == KindSchema.ClearAlarm)
        {
            var code = args.GetText("code")!;
            if (!State.HasAlarm(code))
                return new CommandOutcome(true, null, "rejected", $"{Address} has no active alarm '{code}'");
            effects = [new ClearAlarm(code)];
        }
        else if (spec.Target == CommandTarget.Twin)
            effects = rules.OnTwinCommand(State, command, args, Now)
                .Select(e => e is IssueCommand issue && reason is not null ? issue with { Reason = $"{reason}: {issue.Reason}" } : e).ToList();
        else
            effects = [new IssueCommand(command, args, reason ?? $"requested by {issuedBy}", rules.ConfirmationOf(command, args))];

        var pendingBefore = State.Pending.Select(p => p.Id).ToHashSet();
        await CarryOut(effects, issuedBy, drill);
        await Commit();
        var issued = State.Pending.FirstOrDefault(p => !pendingBefore.Contains(p.Id));
        return issued is null
            ? new CommandOutcome(true, null, "done")
            : new CommandOutcome(true, issued.Id, "pending");
    }

    public Task Rejoin()
    {
        if (State.Provisioned)
            ReportToRollups(force: true);
        return Task.CompletedTask;
    }

    public async Task WorkOrderDone(string workOrderId)
    {
        if (!State.OpenWorkOrders.ContainsKey(workOrderId))
            return;
        store.State = State with { OpenWorkOrders = State.OpenWorkOrders.Remove(workOrderId) };
        await Commit();
    }

    async Task CarryOut(IEnumerable<Effect> effects, string by, bool drill = false)
    {
        var now = Now;
        var timing = services.CommandTiming;
        foreach (var effect in effects)
        {
            var before = State;
            store.State = TwinTransitions.Apply(State, effect, now, timing, CommandIds.New, by, drill);
            switch (effect)
            {
                case RaiseAlarm raise when !before.HasAlarm(raise.Code):
                    services.Metrics.AlarmRaised(rules.Kind, raise.Code);
                    Log.AlarmRaised(logger, Address, raise.Code, raise.Message);
                    break;

                case ClearAlarm clear when before.HasAlarm(clear.Code):
                    Log.AlarmCleared(logger, Address, clear.Code);
                    break;

                case IssueCommand issue:
                    foreach (var replaced in before.Pending.Where(p => p.Command == issue.Command))
                        TellIssuer(replaced, ok: false, $"replaced by a newer {issue.Command} before the device confirmed it");
                    Send(State.Pending[^1]);
                    break;

                case WithdrawCommand withdraw:
                    foreach (var withdrawn in before.Pending.Where(p => p.Command == withdraw.Command))
                    {
                        Log.CommandWithdrawn(logger, Address, withdrawn.Command, withdrawn.Id, withdraw.Reason);
                        TellIssuer(withdrawn, ok: true, $"no longer needed: {withdraw.Reason}");
                    }
                    break;

                case OpenWorkOrder order:
                    await TryCarryOut(effect, () => OpenWorkOrder(order, now));
                    break;

                case CheckedIn checkedIn when State.Community.Length > 0:
                    GrainFactory.GetIncidentDesk(State.Community).HouseholdCheckedIn(State.Id, State.Building, checkedIn.Status).Ignore();
                    break;

                case ShowedActivity activity when Care.WelfareRules.IsVulnerable(State.Members):
                    await TryCarryOut(effect, () => GrainFactory.GetWelfareWatch(State.Id).Activity(activity.How, activity.ClosesWelfareCheck));
                    break;

                case WatchWelfare:
                    await TryCarryOut(effect, () => GrainFactory.GetWelfareWatch(State.Id).Watch(new WelfareSubject(
                        State.Community, State.Id, State.Building, (int?)State.Profile.GetNumber("floor"), State.Members)));
                    break;

                case RaiseIncident incident:
                    services.Metrics.IncidentRaised(rules.Kind, incident.Type);
                    Log.IncidentTriggered(logger, Address, incident.Type, incident.Description);
                    await TryCarryOut(effect, () => services.Incidents.Raise(State, incident));
                    break;
            }
        }
    }

    /// <summary>A failing neighbour (work orders, incidents) must not stop the twin from applying what its device said.</summary>
    async Task TryCarryOut(Effect effect, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            Log.EffectFailed(logger, e, Address, effect.ToString());
        }
    }

    async Task OpenWorkOrder(OpenWorkOrder order, DateTimeOffset now)
    {
        var id = WorkOrderIds.New(now);
        var view = await GrainFactory.GetWorkOrder(id).Open(new WorkOrderRequest(State.Community, State.Address, State.Building ?? State.Covers.FirstOrDefault(), order.Topic, order.Summary));
        store.State = State with { OpenWorkOrders = State.OpenWorkOrders.SetItem(view.Id, order.Topic) };
        services.Metrics.WorkOrderOpened(rules.Kind, order.Topic);
        Log.WorkOrderOpened(logger, Address, view.Id, order.Topic, order.Summary);
    }

    void Send(PendingCommand pending)
    {
        services.Output.SendCommand(State.Address, CommandMessage.From(pending));
        services.Metrics.CommandSent(rules.Kind);
        Log.CommandSent(logger, Address, pending.Command, pending.Id, pending.Reason);
        EnsureTimers();
    }

    void Acknowledge(ImmutableDictionary<string, FieldValue> ack)
    {
        var pending = State.Pending.FirstOrDefault(p => p.Id == ack.GetText("commandId"));
        if (pending is null)
            return;
        if (ack.GetBool("ok") == true)
            Confirm(pending, "command_ack");
        else
            Fail(pending, $"the device refused it{(ack.GetText("message") is { } why ? $": {why}" : "")}");
    }

    void Confirm(PendingCommand pending, string how)
    {
        store.State = State with { Pending = State.Pending.Remove(pending) };
        services.Metrics.CommandConfirmed(rules.Kind);
        Log.CommandConfirmed(logger, Address, pending.Command, pending.Id, how);
        TellIssuer(pending, ok: true, $"confirmed by {how}");
    }

    /// <summary>An incident that sent a command hears how it ended: its timeline records it and a failure becomes a task.</summary>
    void TellIssuer(PendingCommand pending, bool ok, string detail)
    {
        if (pending.IssuedBy is { } issuer && TwinId.TryParse(issuer, out var by) && by.Kind == TwinKinds.Incident)
            GrainFactory.GetIncident(by.Id).ActionSettled(Address, pending.Id, ok, detail).Ignore();
    }

    void Fail(PendingCommand pending, string why)
    {
        var alarm = new Alarm("command_failed", TwinStatus.Alarm, $"{pending.Command} ({pending.Id}) failed: {why}", Now);
        store.State = State with
        {
            Pending = State.Pending.Remove(pending),
            Alarms = State.Alarms.RemoveAll(a => a.Code == alarm.Code).Add(alarm),
        };
        services.Metrics.CommandFailed(rules.Kind, why.StartsWith("no confirmation", StringComparison.Ordinal) ? "deadline" : "refused");
        Log.CommandFailed(logger, Address, pending.Command, pending.Id, why);
        TellIssuer(pending, ok: false, why);
    }

    async Task CheckPendingCommands()
    {
        var now = Now;
        var options = services.Commands;
        var changed = false;
        foreach (var pending in State.Pending)
        {
            if (CommandSchedule.IsExpired(pending, now))
            {
                Fail(pending, $"no confirmation within {options.Deadline.TotalSeconds:0} s after {pending.Attempts} attempts");
                changed = true;
            }
            else if (CommandSchedule.IsDueForResend(pending, now))
            {
                var resent = pending with
                {
                    Attempts = pending.Attempts + 1,
                    NextAttemptAt = now + CommandSchedule.ResendInterval(pending.Attempts + 1, options.FirstResendAfter, options.MaxResendInterval),
                };
                store.State = State with { Pending = State.Pending.Replace(pending, resent) };
                services.Output.SendCommand(State.Address, CommandMessage.From(resent));
                services.Metrics.CommandResent(rules.Kind);
                Log.CommandResent(logger, Address, resent.Command, resent.Id, resent.Attempts);
                changed = true;
            }
        }
        if (changed)
            await Commit();
        if (State.Pending.IsEmpty)
        {
            commandTimer?.Dispose();
            commandTimer = null;
        }
    }

    async Task Tick()
    {
        var effects = rules.OnTick(State, State.LastMessageAt ?? listeningSince, Now);
        if (effects.Count == 0)
            return;
        await CarryOut(effects, "twin");
        await Commit();
    }

    void EnsureTimers()
    {
        if (!State.Provisioned)
            return;
        if (commandTimer is null && !State.Pending.IsEmpty)
        {
            var every = services.Commands.CheckEvery;
            commandTimer = this.RegisterGrainTimer(_ => CheckPendingCommands(), new GrainTimerCreationOptions(every, every) { KeepAlive = true });
        }
        if (tickTimer is null && rules.TickEvery is { } tick)
            tickTimer = this.RegisterGrainTimer(_ => Tick(), new GrainTimerCreationOptions(tick, tick) { KeepAlive = true });
    }

    /// <summary>
    /// Every change: a new version, stored, published, and (when it matters to them) reported to the rollups. A
    /// <paramref name="telemetry"/> message that moved only reported values is stored a little later instead
    /// (<see cref="HoldBack"/>): the history holds it meanwhile. <paramref name="versioned"/>: the state already carries
    /// its new version (a device message's, <see cref="TwinTransitions.Received"/>).
    /// </summary>
    protected async Task Commit(bool telemetry = false, bool versioned = false)
    {
        if (!versioned)
            store.State = State with { Version = State.Version + 1, UpdatedAt = Now };
        if (telemetry && services.Twins.Coalesces && lastStored is { } stored && TwinTransitions.OnlyTelemetryMoved(stored, State))
            HoldBack();
        else
            await Store();
        if (lastCommitted is not null && TwinChange.Between(lastCommitted, State) is { } change)
            await services.History.Enqueue(HistoryEntry.Change(Address, Now, change));
        lastCommitted = State;
        var view = View(includePersonalData: false);
        services.Output.StateChanged(view);
        services.Metrics.StateChanged(rules.Kind);
        ReportToRollups(force: false, view.Summary());
    }

    /// <summary>Stores the state now. If that fails the activation is dropped (<see cref="StoredState"/>) with what it had not stored; the next one replays the history.</summary>
    async Task Store()
    {
        try
        {
            await store.WriteOrDeactivate(this);
        }
        catch
        {
            holdsUnstored = false;
            throw;
        }
        Stored();
    }

    /// <summary>
    /// Leaves the state unstored for now; one timer, armed only while something is held, stores it within the window
    /// (without a window, deactivation stores it). An activation's first such store comes after a random half to whole
    /// window: twins whose devices all started talking at once (a silo starting, a community's devices powered
    /// together) would otherwise all write in the same second, once a window. Later stores keep the phase that gives.
    /// </summary>
    void HoldBack()
    {
        holdsUnstored = true;
        if (services.Twins.FlushEvery is not { } window || flushTimer is not null)
            return;
        var due = heldBefore ? window : window * (0.5 + Random.Shared.NextDouble() / 2);
        heldBefore = true;
        flushTimer = this.RegisterGrainTimer(_ => Flush(), new GrainTimerCreationOptions(due, window));
    }

    /// <summary>
    /// Stores what <see cref="HoldBack"/> held. A failure is logged and tried again a window later (the activation keeps
    /// what it applied, which is right); only when the store moved under this activation is it dropped for a fresh one.
    /// </summary>
    async Task Flush()
    {
        if (!holdsUnstored)
            return;
        try
        {
            await store.WriteStateAsync();
            Stored();
        }
        catch (Exception e)
        {
            Log.TelemetryNotStored(logger, e, Address);
            if (e is Orleans.Storage.InconsistentStateException)
            {
                holdsUnstored = false;
                DeactivateOnIdle();
            }
        }
    }

    void Stored()
    {
        lastStored = State;
        holdsUnstored = false;
        flushTimer?.Dispose();
        flushTimer = null;
    }

    void ReportToRollups(bool force, TwinSummary? summary = null)
    {
        summary ??= View(includePersonalData: false).Summary();
        if (!force && !summary.DiffersForRollups(lastReported))
            return;
        lastReported = summary;
        if (State.Community.Length > 0)
            GrainFactory.GetCommunity(State.Community).TwinChanged(summary).Ignore();
        if (rules.Kind != TwinKinds.Building)
            foreach (var building in State.Buildings)
                GrainFactory.GetBuilding(building).MemberChanged(summary).Ignore();
    }

    sealed class MemberComparer : IEqualityComparer<Member>
    {
        public static readonly MemberComparer Instance = new();

        public bool Equals(Member? x, Member? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Phone == y.Phone && x.Vulnerability.SequenceEqual(y.Vulnerability);

        public int GetHashCode(Member obj) => HashCode.Combine(obj.Name, obj.Phone);
    }
}

public static class CommandIds
{
    public static string New() => $"c-{Guid.NewGuid():N}"[..14];
}

public static class WorkOrderIds
{
    public static string New(DateTimeOffset now) => $"wo-{now:yyyyMMdd}-{Guid.NewGuid():N}"[..20];
}
