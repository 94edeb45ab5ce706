using System.CommandLine;

namespace Twin.Cli.Commands;

/// <summary><c>twin get &lt;kind&gt; &lt;id&gt;</c>: one live twin.</summary>
public static class GetCommand
{
    public static Command Create(CommonOptions common)
    {
        var kind = new Argument<string>("kind") { Description = "Twin kind: community, building, gate, lamp, bin, camera, household, ..." };
        var id = new Argument<string>("id") { Description = "Twin id, e.g. L-01" };
        var command = new Command("get", "Show one live twin: status, reported values, desired mode, pending commands and active alarms") { kind, id };

        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var twin = await api.GetTwin(parse.GetRequiredValue(kind), parse.GetRequiredValue(id), cancellationToken);
            output.Show(twin, output.Twin);
        });
        return command;
    }
}
