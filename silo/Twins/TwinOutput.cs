using System.Text.Json;
using Twin.Incidents;
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
        feed.Publish(LiveEvent.Of(view));
    }

    public void IncidentChanged(IncidentView incident)
    {
        var shown = incident.WithoutPersonalData();
        outbox.Publish(Topics.State(new TwinId(TwinKinds.Incident, incident.Id)), JsonSerializer.SerializeToUtf8Bytes(shown, TwinJson.Options), retain: true, "incident");
        feed.Publish(LiveEvent.Of(shown));
    }

    public void SendCommand(TwinId twin, CommandMessage command) =>
        outbox.Publish(Topics.Command(twin), JsonSerializer.SerializeToUtf8Bytes(command, TwinJson.Options), retain: false, "command");
}
