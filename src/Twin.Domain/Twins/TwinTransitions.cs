using System.Collections.Immutable;
using Twin.Schema;

namespace Twin.Twins;

/// <summary>How long a device has to confirm a command, and when the first resend goes.</summary>
public sealed record CommandTiming(TimeSpan Deadline, TimeSpan FirstResendAfter)
{
    public static readonly CommandTiming Default = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2));
}

/// <summary>
/// How a twin's state changes: merging telemetry, confirming commands, and the state part of each <see cref="Effect"/>.
/// Pure. The grain adds what reaches outside (sending commands, opening work orders, raising incidents).
/// </summary>
public static class TwinTransitions
{
    /// <summary>Any message from the device ends an offline alarm.</summary>
    public static TwinState Heard(TwinState twin)
    {
        var alarms = WithoutOffline(twin.Alarms);
        return alarms == twin.Alarms ? twin : twin with { Alarms = alarms };
    }

    /// <summary>The same list when there is no offline alarm: an unchanged list is how the rest sees that alarms did not change.</summary>
    static ImmutableList<Alarm> WithoutOffline(ImmutableList<Alarm> alarms) =>
        alarms.Exists(a => a.Code == "offline") ? alarms.RemoveAll(a => a.Code == "offline") : alarms;

    /// <summary>Merges telemetry taken at <paramref name="at"/>, unless the twin already holds newer telemetry (then null).</summary>
    public static TwinState? MergeTelemetry(TwinState twin, ImmutableDictionary<string, FieldValue> fields, DateTimeOffset at) =>
        HoldsNewerThan(twin, at) ? null : twin with { Reported = twin.Reported.Merge(fields), ReportedAt = at };

    static bool HoldsNewerThan(TwinState twin, DateTimeOffset at) => twin.ReportedAt is { } reportedAt && at < reportedAt;

    /// <summary>
    /// A message from the device, arrived at <paramref name="now"/>: <see cref="Heard"/>, its seq and arrival recorded,
    /// telemetry merged as <see cref="MergeTelemetry"/> does, and the new version the message makes — in one copy of
    /// the state, as every message comes through here. <c>Merged</c> is false for an event, and for telemetry older
    /// than what the twin holds.
    /// </summary>
    public static (TwinState Twin, bool Merged) Received(TwinState twin, DeviceMessage message, DateTimeOffset now)
    {
        var at = message.Timestamp ?? now;
        var merges = message.Channel == MessageChannel.Telemetry && !HoldsNewerThan(twin, at);
        return (twin with
        {
            Alarms = WithoutOffline(twin.Alarms),
            LastSeq = message.Seq ?? twin.LastSeq,
            LastMessageAt = now,
            Reported = merges ? twin.Reported.Merge(message.Fields) : twin.Reported,
            ReportedAt = merges ? at : twin.ReportedAt,
            Version = twin.Version + 1,
            UpdatedAt = now,
        }, merges);
    }

    /// <summary>
    /// Whether <paramref name="next"/> differs from the last <paramref name="stored"/> state only in what every
    /// telemetry message moves: the reported values and the message's bookkeeping (seq, times, version). Such a change
    /// may wait to be stored (DESIGN §8: the history holds the message meanwhile); any other change — status, alarms,
    /// pending commands, settings, memory, work orders, provisioning — is stored at once. Collections count as changed
    /// when they are other instances: every change makes a new one (<c>with</c>), and an equal new one costs only a write.
    /// Field by field rather than one <c>with</c> and <c>==</c>: this runs on every message (a test checks every field of
    /// <see cref="TwinState"/> is either compared here or listed as bookkeeping).
    /// </summary>
    public static bool OnlyTelemetryMoved(TwinState stored, TwinState next) =>
        ReferenceEquals(stored, next)
        || (next.Kind == stored.Kind && next.Id == stored.Id && next.Community == stored.Community && next.Building == stored.Building
            && next.Covers == stored.Covers && next.Provisioned == stored.Provisioned && Same(next.Profile, stored.Profile)
            && Same(next.Settings, stored.Settings) && Same(next.Pending, stored.Pending) && Same(next.Alarms, stored.Alarms)
            && Same(next.OpenWorkOrders, stored.OpenWorkOrders) && Same(next.Members, stored.Members) && Equals(next.Memory, stored.Memory));

    static bool Same(object a, object b) => ReferenceEquals(a, b);

    /// <summary>
    /// A telemetry message the twin applied before it was stored, merged again from the history after a crash: the
    /// state part of applying it (merge, seq, times, version), no effects — those were carried out the first time.
    /// <paramref name="appliedAt"/> is when it was accepted. A message at or below the twin's seq is already in it.
    /// </summary>
    public static TwinState Replay(TwinState twin, DeviceMessage message, DateTimeOffset appliedAt)
    {
        if (message.Seq is { } seq && twin.LastSeq is { } last && seq <= last)
            return twin;
        return Received(twin, message, appliedAt).Twin;
    }

    /// <summary>Pending commands whose asked-for state the device now reports.</summary>
    public static IEnumerable<PendingCommand> ConfirmedByReport(TwinState twin) =>
        twin.Pending.IsEmpty ? [] : twin.Pending.Where(p => !p.ConfirmedBy.IsEmpty && twin.Reported.Contains(p.ConfirmedBy)).ToList();

    /// <summary>The state after one effect. <paramref name="newCommandId"/> names a command an <see cref="IssueCommand"/> creates.</summary>
    public static TwinState Apply(TwinState twin, Effect effect, DateTimeOffset now, CommandTiming timing, Func<string> newCommandId, string issuedBy,
        bool drill = false) => effect switch
    {
        RaiseAlarm raise => twin with
        {
            Alarms = twin.Alarms.RemoveAll(a => a.Code == raise.Code)
                .Add(new Alarm(raise.Code, raise.Level, raise.Message, twin.Alarms.FirstOrDefault(a => a.Code == raise.Code)?.Since ?? now)),
        },
        ClearAlarm clear => twin with { Alarms = twin.Alarms.RemoveAll(a => a.Code == clear.Code) },
        // A newer command of the same name replaces one still on its way (a lamp asked for 30 %, then 100 %).
        IssueCommand issue => twin with
        {
            Pending = twin.Pending.RemoveAll(p => p.Command == issue.Command).Add(new PendingCommand(
                newCommandId(), issue.Command, issue.Args, issue.Reason, issue.ConfirmedBy,
                now, now + timing.Deadline, 1, now + timing.FirstResendAfter, issuedBy, drill)),
        },
        WithdrawCommand withdraw => twin with { Pending = twin.Pending.RemoveAll(p => p.Command == withdraw.Command) },
        ChangeSetting setting => twin with { Settings = twin.Settings.SetItem(setting.Name, setting.Value) },
        Remember remember => twin with { Memory = remember.Memory },
        RecordReported recorded => twin with { Reported = twin.Reported.SetItem(recorded.Name, recorded.Value) },
        _ => twin,
    };
}
