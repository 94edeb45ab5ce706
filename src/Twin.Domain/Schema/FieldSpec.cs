using Twin.Twins;

namespace Twin.Schema;

public enum FieldType { Bool, Number, Integer, Choice, Text }

/// <summary>One field a device may send: its type, its range or allowed values, and whether it must be there.</summary>
public sealed record FieldSpec(string Name, FieldType Type, bool Required = false)
{
    public double Min { get; init; } = double.MinValue;
    public double Max { get; init; } = double.MaxValue;
    public IReadOnlyList<string> Choices { get; init; } = [];
    public int MaxLength { get; init; } = 256;

    public static FieldSpec Bool(string name, bool required = false) => new(name, FieldType.Bool, required);

    public static FieldSpec Number(string name, double min = double.MinValue, double max = double.MaxValue, bool required = false) =>
        new(name, FieldType.Number, required) { Min = min, Max = max };

    public static FieldSpec Integer(string name, double min, double max, bool required = false) =>
        new(name, FieldType.Integer, required) { Min = min, Max = max };

    public static FieldSpec Choice(string name, IReadOnlyList<string> choices, bool required = false) =>
        new(name, FieldType.Choice, required) { Choices = choices };

    public static FieldSpec Text(string name, bool required = false, int maxLength = 256) =>
        new(name, FieldType.Text, required) { MaxLength = maxLength };

    public string Describe() => Type switch
    {
        FieldType.Bool => "true or false",
        FieldType.Number when Max == double.MaxValue && Min == double.MinValue => "a number",
        FieldType.Number when Max == double.MaxValue => $"a number ≥ {Min}",
        FieldType.Number => $"a number from {Min} to {Max}",
        FieldType.Integer => $"a whole number from {Min} to {Max}",
        FieldType.Choice => $"one of {string.Join(", ", Choices)}",
        _ => $"a text of at most {MaxLength} characters",
    };
}

/// <summary>An event type a device may send (<c>{"type": ..., fields}</c>).</summary>
public sealed record EventSpec(string Type, IReadOnlyList<FieldSpec> Fields)
{
    public static EventSpec Of(string type, params FieldSpec[] fields) => new(type, fields);
}

/// <summary>A command the twin accepts over the API. <see cref="Target"/> says whether the twin or the device carries it out.</summary>
public sealed record CommandSpec(string Name, CommandTarget Target, IReadOnlyList<FieldSpec> Args, string Description)
{
    public static CommandSpec ForDevice(string name, string description, params FieldSpec[] args) => new(name, CommandTarget.Device, args, description);

    public static CommandSpec ForTwin(string name, string description, params FieldSpec[] args) => new(name, CommandTarget.Twin, args, description);
}

public enum CommandTarget { Twin, Device }

/// <summary>What a kind of twin accepts: telemetry fields, events and commands.</summary>
public sealed record KindSchema(string Kind, IReadOnlyList<FieldSpec> Telemetry, IReadOnlyList<EventSpec> Events, IReadOnlyList<CommandSpec> Commands)
{
    /// <summary>Every device may confirm a command it was sent.</summary>
    public static readonly EventSpec CommandAck = EventSpec.Of("command_ack", FieldSpec.Text("commandId", required: true, maxLength: 64), FieldSpec.Bool("ok", required: true), FieldSpec.Text("message"));

    /// <summary>Every twin lets an operator clear an alarm once it has been dealt with.</summary>
    public static readonly CommandSpec ClearAlarm = CommandSpec.ForTwin("clear_alarm", "Clear an active alarm after it has been handled.", FieldSpec.Text("code", required: true, maxLength: 64));

    public EventSpec? FindEvent(string type) =>
        type == CommandAck.Type ? CommandAck : Events.FirstOrDefault(e => e.Type == type);

    public CommandSpec? FindCommand(string name) =>
        name == ClearAlarm.Name ? ClearAlarm : Commands.FirstOrDefault(c => c.Name == name);
}
