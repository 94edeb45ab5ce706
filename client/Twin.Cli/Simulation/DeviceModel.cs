using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Twin.Cli.Simulation;

public enum Scenario { Normal, Fire, Night }

public enum SimChannel { Telemetry, Event }

/// <summary>What a device model sees when it makes a message: the simulated time of day, the real time since the start, dice.</summary>
public sealed record SimContext(TimeOnly Clock, TimeSpan Elapsed, Random Random, Scenario Scenario = Scenario.Normal)
{
    public bool Chance(double probability) => Random.NextDouble() < probability;

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public double Between(double min, double max) => min + (max - min) * Random.NextDouble();

    public TimeSpan Between(TimeSpan min, TimeSpan max) => min + (max - min) * Random.NextDouble();

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];
}

/// <summary>One message a device publishes: telemetry or an event (whose fields hold its <c>type</c>), without seq and ts yet.</summary>
public sealed record SimMessage(DeviceModel Device, SimChannel Channel, JsonObject Fields)
{
    public string Topic => Channel == SimChannel.Telemetry ? Device.TelemetryTopic : Device.EventTopic;

    public string? EventType => Channel == SimChannel.Event ? (string?)Fields["type"] : null;

    /// <summary>The payload as it goes on the wire, with the device's <paramref name="seq"/> and <paramref name="ts"/> (Unix ms).</summary>
    public byte[] Payload(long seq, long ts)
    {
        var payload = new JsonObject { ["seq"] = seq, ["ts"] = ts };
        foreach (var (name, value) in Fields)
            payload[name] = value?.DeepClone();
        return JsonSerializer.SerializeToUtf8Bytes(payload);
    }
}

/// <summary>A command as the device receives it on <c>twin/{kind}/{id}/command</c>.</summary>
public sealed record DeviceCommand(string Id, string Name, JsonObject Args, bool Drill = false)
{
    /// <summary>Reads <c>{"command", "args", "reason", "id"}</c>; null when it is not a command the device could acknowledge.</summary>
    public static DeviceCommand? Parse(ReadOnlySpan<byte> payload)
    {
        try
        {
            if (JsonNode.Parse(payload) is not JsonObject message
                || message["id"] is not JsonValue id || !id.TryGetValue<string>(out var commandId) || commandId.Length == 0
                || message["command"] is not JsonValue name || !name.TryGetValue<string>(out var command))
                return null;
            var args = message["args"] is JsonObject a ? (JsonObject)a.DeepClone() : [];
            var drill = message["drill"] is JsonValue d && d.TryGetValue<bool>(out var isDrill) && isDrill;
            return new DeviceCommand(commandId, command, args, drill);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A whole-number argument, however the JSON wrote it (55 or 55.0); null when missing or not one.</summary>
    public int? Integer(string name) =>
        Args[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
        && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
        && Math.Floor(number) == number && Math.Abs(number) < int.MaxValue
            ? (int)number
            : null;

    public string? Text(string name) => Args[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>Something a device sends a while after a command: its new state, or a household's answer.</summary>
public sealed record FollowUp(TimeSpan After, Func<SimContext, SimMessage?> Make);

/// <summary>How a device took a command: the <c>command_ack</c> it sends at once, and what it sends after.</summary>
public sealed record CommandOutcome(bool Ok, string? Message, IReadOnlyList<FollowUp> FollowUps)
{
    public static CommandOutcome Done(params FollowUp[] followUps) => new(true, null, followUps);

    public static CommandOutcome Refused(string message) => new(false, message, []);
}

/// <summary>
/// A simulated device of one kind: what it reports at its turn, and how it carries out commands. Each keeps its own seq
/// and timestamps; the simulator calls a model from one loop only, so models need no locking.
/// </summary>
public abstract class DeviceModel(SimDeviceSpec spec)
{
    long seq;
    long lastTimestamp;

    public SimDeviceSpec Spec { get; } = spec;

    public string Kind => Spec.Kind;

    public string Id => Spec.Id;

    public string Address => $"{Kind}/{Id}";

    public string TelemetryTopic => $"twin/{Kind}/{Id}/telemetry";

    public string EventTopic => $"twin/{Kind}/{Id}/event";

    public string CommandTopic => $"twin/{Kind}/{Id}/command";

    /// <summary>When (since the start) this device last sent anything.</summary>
    public TimeSpan LastSentAt { get; set; }

    /// <summary>The seq the next message gets; then one more for each message.</summary>
    public void StartSeqAt(long first) => seq = first - 1;

    public long NextSeq() => ++seq;

    /// <summary>Unix milliseconds, strictly increasing per device, so no message of it looks older than the one before.</summary>
    public long NextTimestamp(long unixMilliseconds) => lastTimestamp = Math.Max(unixMilliseconds, lastTimestamp + 1);

    /// <summary>The message the device sends at its regular turn: usually telemetry, now and then an event.</summary>
    public abstract SimMessage Next(SimContext context);

    /// <summary>Carries out a command; anything the device does not know it refuses (<c>ok: false</c>).</summary>
    public virtual CommandOutcome Apply(DeviceCommand command, SimContext context) =>
        CommandOutcome.Refused($"a {Kind} has no command '{Truncate(command.Name, 64)}'");

    /// <summary>The answer to a command (DESIGN §3): <c>{"type": "command_ack", "commandId", "ok", "message"}</c>.</summary>
    public SimMessage CommandAck(string commandId, bool ok, string? message = null)
    {
        var fields = new JsonObject { ["commandId"] = commandId, ["ok"] = ok };
        if (message is not null)
            fields["message"] = Truncate(message, 256);
        return Event("command_ack", fields);
    }

    public static DeviceModel Create(SimDeviceSpec spec, Random random) => spec.Kind switch
    {
        "lamp" => new LampModel(spec, random),
        "gate" => new GateModel(spec),
        "bin" => new BinModel(spec, random),
        "camera" => new CameraModel(spec),
        "household" => new HouseholdModel(spec, random),
        _ => throw new ArgumentException($"no model for kind '{spec.Kind}'", nameof(spec)),
    };

    protected SimMessage Telemetry(JsonObject fields) => new(this, SimChannel.Telemetry, fields);

    protected SimMessage Event(string type, JsonObject? fields = null)
    {
        var all = new JsonObject { ["type"] = type };
        foreach (var (name, value) in fields ?? [])
            all[name] = value?.DeepClone();
        return new SimMessage(this, SimChannel.Event, all);
    }

    protected static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
