using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Twin.History;
using Twin.Twins;

namespace Twin.Twins;

/// <summary>Where twins send what leaves them: their state (retained MQTT, SSE) and commands for their devices.</summary>
public interface ITwinOutput
{
    /// <summary>Called after every change, once the state is stored. Must not block: implementations queue.</summary>
    void StateChanged(TwinView view);

    void SendCommand(TwinId twin, CommandMessage command);

    /// <summary>Called after every change of an incident, once stored.</summary>
    void IncidentChanged(Incidents.IncidentView incident);
}

/// <summary>Where a twin's <see cref="RaiseIncident"/> effects go. The incident workflow plugs in here.</summary>
public interface IIncidentReporter
{
    Task Raise(TwinState twin, RaiseIncident incident);
}

public sealed class CommandOptions
{
    public const string Section = "Twin:Commands";

    /// <summary>How long a device has to confirm a command before the twin raises <c>command_failed</c>.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan FirstResendAfter { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxResendInterval { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How often a twin with pending commands looks at them.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The services every twin grain needs, in one constructor argument.</summary>
public sealed class TwinServices(
    ITwinOutput output,
    IIncidentReporter incidents,
    TimeProvider clock,
    IOptions<CommandOptions> commandOptions,
    IOptions<DeviceTwinOptions> twinOptions,
    TwinMetrics metrics,
    IHistoryLog history,
    ILoggerFactory loggers)
{
    public ITwinOutput Output => output;
    public IIncidentReporter Incidents => incidents;
    public TimeProvider Clock => clock;
    public CommandOptions Commands => commandOptions.Value;
    /// <summary>The deadline and first resend of a new command, as <see cref="TwinTransitions"/> takes them; made once.</summary>
    public CommandTiming CommandTiming { get; } = new(commandOptions.Value.Deadline, commandOptions.Value.FirstResendAfter);
    public DeviceTwinOptions Twins => twinOptions.Value;
    public TwinMetrics Metrics => metrics;
    public IHistoryLog History => history;
    public ILoggerFactory Loggers => loggers;
}

public static class TwinStorage
{
    /// <summary>The grain storage provider every twin, work order and index uses.</summary>
    public const string Name = "twin";
}
