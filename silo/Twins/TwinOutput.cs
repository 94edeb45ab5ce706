using System.Text.Json;
using Twin.Silo.Mqtt;
using Twin.Silo.Streaming;
using Twin.Twins;

namespace Twin.Silo.Twins;

/// <summary>Where a twin's changes and commands leave the grain: retained MQTT state, the live streams, device commands.</summary>
public sealed class TwinOutput(MqttOutbox outbox, TwinChangeFeed feed) : ITwinOutput
{
    public void StateChanged(TwinView view)
    {
        outbox.Publish(Topics.State(view.Address), JsonSerializer.SerializeToUtf8Bytes(view, TwinJson.Options), retain: true, "state");
        feed.Publish(view);
    }

    public void SendCommand(TwinId twin, CommandMessage command) =>
        outbox.Publish(Topics.Command(twin), JsonSerializer.SerializeToUtf8Bytes(command, TwinJson.Options), retain: false, "command");
}

/// <summary>
/// Until the incident workflow lands, a rule's incident trigger is logged for operators and counted (twin.incidents.triggered);
/// the triggering twin carries the alarm.
/// </summary>
public sealed class LoggingIncidentReporter(ILogger<LoggingIncidentReporter> logger) : IIncidentReporter
{
    public Task Raise(TwinState twin, RaiseIncident incident)
    {
        Log.IncidentPending(logger, incident.Type, twin.Address.ToString(), twin.Building ?? string.Join(",", twin.Covers), incident.Description);
        return Task.CompletedTask;
    }
}
