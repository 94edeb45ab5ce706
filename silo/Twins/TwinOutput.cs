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
        // One serialization serves the retained state and every live stream.
        var json = JsonSerializer.SerializeToUtf8Bytes(view, TwinJson.Options);
        outbox.Publish(Topics.State(view.Address), json, retain: true, "state");
        feed.Publish(LiveEvent.Of(view, json));
    }

    public void IncidentChanged(IncidentView incident)
    {
        var shown = incident.WithoutPersonalData();
        var json = JsonSerializer.SerializeToUtf8Bytes(shown, TwinJson.Options);
        outbox.Publish(Topics.State(new TwinId(TwinKinds.Incident, incident.Id)), json, retain: true, "incident");
        feed.Publish(LiveEvent.Of(shown, json));
    }

    public void SendCommand(TwinId twin, CommandMessage command) =>
        outbox.Publish(Topics.Command(twin), JsonSerializer.SerializeToUtf8Bytes(command, TwinJson.Options), retain: false, "command");
}
