using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Twin.Cli.Commands;

/// <summary><c>twin command &lt;kind&gt; &lt;id&gt; &lt;command&gt;</c>: sends a command to a device through its twin.</summary>
public static class CommandCommand
{
    public static Command Create(CommonOptions common)
    {
        var kind = new Argument<string>("kind") { Description = "Twin kind, e.g. lamp" };
        var id = new Argument<string>("id") { Description = "Twin id, e.g. L-01" };
        var name = new Argument<string>("command") { Description = "Command name, e.g. set_brightness, set_mode, clear_alarm" };
        var args = new Option<JsonObject>("--arg")
        {
            Description = "A command argument; repeat for more. Numbers and true/false are sent as JSON, anything else as a string",
            HelpName = "key=value",
            Arity = ArgumentArity.ZeroOrMore,
            CustomParser = ParseArgs,
            DefaultValueFactory = _ => [],
        };
        var reason = new Option<string?>("--reason") { Description = "Why, for the twin's record and the device", HelpName = "text" };
        var command = new Command("command", "Send a command to a device through its twin") { kind, id, name, args, reason };

        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var accepted = await api.SendCommand(
                parse.GetRequiredValue(kind), parse.GetRequiredValue(id), parse.GetRequiredValue(name),
                parse.GetValue(args) ?? [], parse.GetValue(reason), cancellationToken);
            output.Show(accepted, output.CommandAccepted);
        });
        return command;
    }

    static JsonObject ParseArgs(ArgumentResult result)
    {
        var args = new JsonObject();
        foreach (var token in result.Tokens)
        {
            var separator = token.Value.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                result.AddError($"--arg expects key=value, not '{token.Value}'.");
                continue;
            }
            var key = token.Value[..separator];
            if (args.ContainsKey(key))
            {
                result.AddError($"--arg {key} is given more than once.");
                continue;
            }
            args[key] = Literal(token.Value[(separator + 1)..]);
        }
        return args;
    }

    /// <summary><c>100</c> and <c>true</c> become JSON; <c>auto</c>, <c>null</c> and anything else stay strings.</summary>
    public static JsonNode Literal(string text)
    {
        if (text is "true" or "false" || (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] == '-')))
        {
            try
            {
                if (JsonNode.Parse(text) is JsonValue value && value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                    return value;
            }
            catch (JsonException)
            {
                // Not a JSON number (e.g. "-fast" or "1.2.3"): it is meant as text.
            }
        }
        return JsonValue.Create(text);
    }
}
