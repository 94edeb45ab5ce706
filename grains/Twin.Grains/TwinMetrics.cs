using System.Diagnostics.Metrics;

namespace Twin;

/// <summary>Meter <c>twin.grains</c>: what the twins do. Tagged by kind, never by id.</summary>
public sealed class TwinMetrics
{
    public const string MeterName = "twin.grains";

    readonly Counter<long> commandsSent, commandsResent, commandsConfirmed, commandsFailed, alarmsRaised, workOrdersOpened, incidentsRaised, stateChanges;
    readonly UpDownCounter<long> activeTwins;

    public TwinMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        commandsSent = meter.CreateCounter<long>("twin.commands.sent", "{command}", "Commands sent to devices (first attempt)");
        commandsResent = meter.CreateCounter<long>("twin.commands.resent", "{command}", "Commands sent again because the device had not confirmed them");
        commandsConfirmed = meter.CreateCounter<long>("twin.commands.confirmed", "{command}", "Commands confirmed by an ack or the reported state");
        commandsFailed = meter.CreateCounter<long>("twin.commands.failed", "{command}", "Commands refused by the device or unconfirmed at their deadline");
        alarmsRaised = meter.CreateCounter<long>("twin.alarms.raised", "{alarm}", "Alarms raised on twins");
        workOrdersOpened = meter.CreateCounter<long>("twin.workorders.opened", "{workorder}", "Work orders opened by rules");
        incidentsRaised = meter.CreateCounter<long>("twin.incidents.triggered", "{trigger}", "Incident triggers raised by rules");
        stateChanges = meter.CreateCounter<long>("twin.state.changes", "{change}", "Twin state changes published");
        activeTwins = meter.CreateUpDownCounter<long>("twin.active", "{twin}", "Twin grains active in this silo");
    }

    static KeyValuePair<string, object?> Kind(string kind) => new("twin.kind", kind);

    public void CommandSent(string kind) => commandsSent.Add(1, Kind(kind));
    public void CommandResent(string kind) => commandsResent.Add(1, Kind(kind));
    public void CommandConfirmed(string kind) => commandsConfirmed.Add(1, Kind(kind));
    public void CommandFailed(string kind, string why) => commandsFailed.Add(1, Kind(kind), new("twin.reason", why));
    public void AlarmRaised(string kind, string code) => alarmsRaised.Add(1, Kind(kind), new("twin.alarm", code));
    public void WorkOrderOpened(string kind, string topic) => workOrdersOpened.Add(1, Kind(kind), new("twin.topic", topic));
    public void IncidentRaised(string kind, string type) => incidentsRaised.Add(1, Kind(kind), new("twin.incident", type));
    public void StateChanged(string kind) => stateChanges.Add(1, Kind(kind));
    public void TwinActivated(string kind) => activeTwins.Add(1, Kind(kind));
    public void TwinDeactivated(string kind) => activeTwins.Add(-1, Kind(kind));
}
