using Microsoft.Extensions.Logging;

namespace Twin;

static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "{Twin}: command {Command} ({CommandId}) sent: {Reason}")]
    public static partial void CommandSent(ILogger logger, string twin, string command, string commandId, string reason);

    [LoggerMessage(1002, LogLevel.Information, "{Twin}: command {Command} ({CommandId}) confirmed by {ConfirmedBy}")]
    public static partial void CommandConfirmed(ILogger logger, string twin, string command, string commandId, string confirmedBy);

    [LoggerMessage(1003, LogLevel.Warning, "{Twin}: command {Command} ({CommandId}) failed: {Why}")]
    public static partial void CommandFailed(ILogger logger, string twin, string command, string commandId, string why);

    [LoggerMessage(1004, LogLevel.Debug, "{Twin}: command {Command} ({CommandId}) resent, attempt {Attempt}")]
    public static partial void CommandResent(ILogger logger, string twin, string command, string commandId, int attempt);

    [LoggerMessage(1005, LogLevel.Warning, "{Twin}: alarm {Code} raised: {Message}")]
    public static partial void AlarmRaised(ILogger logger, string twin, string code, string message);

    [LoggerMessage(1006, LogLevel.Information, "{Twin}: alarm {Code} cleared")]
    public static partial void AlarmCleared(ILogger logger, string twin, string code);

    [LoggerMessage(1007, LogLevel.Information, "{Twin}: work order {WorkOrder} opened ({Topic}): {Summary}")]
    public static partial void WorkOrderOpened(ILogger logger, string twin, string workOrder, string topic, string summary);

    [LoggerMessage(1008, LogLevel.Warning, "{Twin}: {Type} incident triggered: {Description}")]
    public static partial void IncidentTriggered(ILogger logger, string twin, string type, string description);

    [LoggerMessage(1009, LogLevel.Information, "Work order {WorkOrder}: {Action} by {By}")]
    public static partial void WorkOrderStep(ILogger logger, string workOrder, string action, string by);

    [LoggerMessage(1010, LogLevel.Error, "{Twin}: could not carry out {Effect}")]
    public static partial void EffectFailed(ILogger logger, Exception exception, string twin, string effect);

    [LoggerMessage(1011, LogLevel.Warning, "{Incident}: {Type} incident opened at {Place}: {Description}")]
    public static partial void IncidentOpened(ILogger logger, string incident, string type, string place, string description);

    [LoggerMessage(1012, LogLevel.Information, "{Incident}: closed by {By}")]
    public static partial void IncidentClosed(ILogger logger, string incident, string by);

    [LoggerMessage(1013, LogLevel.Warning, "{Incident}: task {Task} ({Role}) missed its deadline; escalated to {To}")]
    public static partial void TaskEscalated(ILogger logger, string incident, string task, string role, string to);

    [LoggerMessage(1014, LogLevel.Error, "Could not raise a {Type} incident at {Place}: {Description}")]
    public static partial void IncidentTriggerFailed(ILogger logger, Exception exception, string type, string place, string description);

    [LoggerMessage(1015, LogLevel.Information, "{Twin}: command {Command} ({CommandId}) withdrawn: {Reason}")]
    public static partial void CommandWithdrawn(ILogger logger, string twin, string command, string commandId, string reason);

    [LoggerMessage(1016, LogLevel.Information, "{Feedback}: {Category} filed by household {Household} about {Twin}")]
    public static partial void FeedbackFiled(ILogger logger, string feedback, string household, string category, string twin);

    [LoggerMessage(1017, LogLevel.Warning, "{Feedback}: no response in time; escalated to {To}")]
    public static partial void FeedbackEscalated(ILogger logger, string feedback, string to);

    [LoggerMessage(1018, LogLevel.Information, "Poll {Poll}: opened by {By} for {Audience}, closes at {ClosesAt}")]
    public static partial void PollOpened(ILogger logger, string poll, string by, string audience, DateTimeOffset closesAt);

    [LoggerMessage(1019, LogLevel.Information, "Poll {Poll}: closed by {By}: {Result}")]
    public static partial void PollClosed(ILogger logger, string poll, string by, string result);

    [LoggerMessage(1020, LogLevel.Warning, "household/{Household}: no activity since {Since}; welfare check {Check} opened for {Parties}")]
    public static partial void WelfareCheckOpened(ILogger logger, string household, DateTimeOffset since, string check, string parties);

    [LoggerMessage(1021, LogLevel.Warning, "household/{Household}: welfare check {Check} not acknowledged in time; escalated to {To}")]
    public static partial void WelfareCheckEscalated(ILogger logger, string household, string check, string to);

    [LoggerMessage(1022, LogLevel.Information, "household/{Household}: welfare check {Check} closed by {By}: {How}")]
    public static partial void WelfareCheckClosed(ILogger logger, string household, string check, string by, string how);

    [LoggerMessage(1023, LogLevel.Information, "{Twin}: replayed {Count} telemetry messages from the history that its stored state did not hold yet; last seq now {LastSeq}")]
    public static partial void TelemetryReplayed(ILogger logger, string twin, long count, ulong? lastSeq);

    [LoggerMessage(1024, LogLevel.Warning, "{Twin}: a telemetry row of the history (seq {Seq}) was not replayed: {Reason}")]
    public static partial void ReplaySkipped(ILogger logger, string twin, ulong? seq, string reason);

    [LoggerMessage(1025, LogLevel.Warning, "{Twin}: could not store its latest telemetry; the history holds it, trying again")]
    public static partial void TelemetryNotStored(ILogger logger, Exception exception, string twin);
}
