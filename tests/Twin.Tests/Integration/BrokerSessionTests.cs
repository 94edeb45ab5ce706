using Twin.Tests.Support;

namespace Twin.Tests.Integration;

[Collection(SiloCollection.Name)]
public sealed class BrokerSessionTests(SiloFixture silo)
{
    [Fact]
    public async Task A_subscriber_that_went_away_stops_collecting_states_once_its_session_expires()
    {
        var lamp = await silo.NewTwin("lamp");
        var expiredBefore = await silo.Metric("twin_mqtt_broker_sessions_expired_total");
        var pendingBefore = await silo.Metric("twin_mqtt_broker_pending");

        // A phone subscribes to the lamp's state with a 5 s session, then leaves without ending it.
        await using (var phone = await MqttProbe.Connect(silo.MqttPort, silo.ExternalBrokerHost, sessionExpirySeconds: 5))
            await phone.Subscribe($"twin/lamp/{lamp}/state");
        await using (var device = await silo.Device())
            await device.Publish($"twin/lamp/{lamp}/telemetry", new { seq = 1, on = true });

        // The broker queues the state for the absent phone while its session lasts...
        await Eventually.True(async () => await silo.Metric("twin_mqtt_broker_pending") > pendingBefore, "the state to wait in the phone's session");
        // ...and ends the session, with what it held, once the 5 s are over.
        await Eventually.True(async () => await silo.Metric("twin_mqtt_broker_sessions_expired_total") > expiredBefore, "the phone's session to expire");
        await Eventually.True(async () => await silo.Metric("twin_mqtt_broker_pending") <= pendingBefore, "the queued state to be gone with it");
    }
}
