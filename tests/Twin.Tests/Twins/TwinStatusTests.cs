using Twin.Twins;

namespace Twin.Tests.Twins;

public sealed class TwinStatusTests
{
    static readonly DateTimeOffset Since = new(2025, 6, 1, 20, 0, 0, TimeSpan.Zero);

    static Alarm[] Alarms(params TwinStatus[] levels) =>
        [.. levels.Select((level, i) => new Alarm($"a{i}", level, "test", Since))];

    [Fact]
    public void A_twin_without_alarms_is_ok()
    {
        Assert.Equal(TwinStatus.Ok, TwinStatusNames.StatusOf([]));
        Assert.Equal("ok", new TwinState { Kind = "lamp", Id = "L-01", Provisioned = true }.Status.ToWire());
    }

    [Theory]
    [InlineData(new[] { TwinStatus.Warning }, TwinStatus.Warning)]
    [InlineData(new[] { TwinStatus.Warning, TwinStatus.Fault }, TwinStatus.Fault)]
    [InlineData(new[] { TwinStatus.Fault, TwinStatus.Warning }, TwinStatus.Fault)]
    [InlineData(new[] { TwinStatus.Fault, TwinStatus.Offline }, TwinStatus.Offline)]
    [InlineData(new[] { TwinStatus.Offline, TwinStatus.Alarm, TwinStatus.Warning }, TwinStatus.Alarm)]
    [InlineData(new[] { TwinStatus.Alarm, TwinStatus.Offline }, TwinStatus.Alarm)]
    [InlineData(new[] { TwinStatus.Warning, TwinStatus.Warning }, TwinStatus.Warning)]
    public void The_status_is_the_worst_active_alarm(TwinStatus[] levels, TwinStatus expected) =>
        Assert.Equal(expected, TwinStatusNames.StatusOf([.. Alarms(levels)]));

    [Fact]
    public void A_twin_state_reports_the_worst_of_its_alarms()
    {
        var twin = new TwinState
        {
            Kind = "camera",
            Id = "C-01",
            Provisioned = true,
            Alarms = [.. Alarms(TwinStatus.Warning, TwinStatus.Offline, TwinStatus.Fault)],
        };

        Assert.Equal("offline", twin.Status.ToWire());
    }

    [Theory]
    [InlineData(TwinStatus.Ok, "ok")]
    [InlineData(TwinStatus.Warning, "warning")]
    [InlineData(TwinStatus.Fault, "fault")]
    [InlineData(TwinStatus.Offline, "offline")]
    [InlineData(TwinStatus.Alarm, "alarm")]
    public void Statuses_have_the_wire_names_of_the_contract(TwinStatus status, string wire)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.True(TwinStatusNames.TryParse(wire, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("ALARM")]
    [InlineData("broken")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unknown_status_name_does_not_parse(string? text) =>
        Assert.False(TwinStatusNames.TryParse(text, out _));
}
