using Twin.Tests.Support;

namespace Twin.Tests.Integration;

/// <summary>The embedded broker with ingestion and the outbox as TCP clients of it (Twin:Mqtt:EmbeddedLoopback), the way kept for comparison.</summary>
public sealed class EmbeddedLoopbackFixture : SiloFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Twin:Mqtt:EmbeddedLoopback", "true")];
}

public sealed class EmbeddedLoopbackTests(EmbeddedLoopbackFixture silo) : IClassFixture<EmbeddedLoopbackFixture>
{
    [Fact]
    public Task Over_the_loopback_clients_a_lamp_is_lit_confirmed_and_bad_input_dead_lettered() => BrokerRoundTrip.LampLitConfirmedAndBadInputDeadLettered(silo);
}
