using Twin.Silo.Mqtt;

namespace Twin.Tests.Mqtt;

public sealed class TopicsTests
{
    [Theory]
    [InlineData("twin/lamp/L-01/telemetry", true)]
    [InlineData("twin/household/B1-1-0501/event", true)]
    [InlineData("twin/nosuchkind/x/telemetry", true)]
    [InlineData("twin/lamp/L-01/state", false)]
    [InlineData("twin/lamp/L-01/command", false)]
    [InlineData("twin/deadletter", false)]
    [InlineData("twin/lamp/telemetry", false)]
    [InlineData("twin/a/b/c/telemetry", false)]
    [InlineData("other/lamp/L-01/telemetry", false)]
    public void Ingestion_takes_what_the_telemetry_and_event_filters_match(string topic, bool taken) =>
        Assert.Equal(taken, Topics.IsDeviceMessage(topic));
}
