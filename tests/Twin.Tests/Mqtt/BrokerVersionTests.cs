using Twin.Silo.Mqtt;

namespace Twin.Tests.Mqtt;

public sealed class BrokerVersionTests
{
    [Theory]
    [InlineData("mosquitto version 2.0.0")]
    [InlineData("mosquitto version 2.0.11")]
    [InlineData("mosquitto version 2.0.12")]
    public void Mosquitto_2_0_before_13_is_known_to_drop_messages_and_the_warning_says_what_to_do(string version)
    {
        var advice = BrokerVersion.KnownLoss(version);

        Assert.NotNull(advice);
        Assert.Contains("2.0.13", advice);
        Assert.Contains("max_queued_messages 0", advice);
    }

    [Theory]
    [InlineData("mosquitto version 2.0.13")]
    [InlineData("mosquitto version 2.0.22")]
    [InlineData("mosquitto version 2.1.2")]
    [InlineData("mosquitto version 1.6.12")]
    [InlineData("EMQX 5.8.0")]
    [InlineData("mosquitto version two")]
    [InlineData("")]
    public void Other_brokers_and_versions_get_no_warning(string version)
    {
        Assert.Null(BrokerVersion.KnownLoss(version));
    }
}
