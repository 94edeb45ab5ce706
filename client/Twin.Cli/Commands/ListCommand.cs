using System.CommandLine;

namespace Twin.Cli.Commands;

/// <summary><c>twin list</c>: twins matching kind, building and status.</summary>
public static class ListCommand
{
    public static Command Create(CommonOptions common)
    {
        var kind = new Option<string?>("--kind") { Description = "Only twins of this kind, e.g. lamp", HelpName = "kind" };
        var building = new Option<string?>("--building") { Description = "Only twins in (or covering) this building, e.g. B1", HelpName = "building" };
        var status = new Option<string?>("--status") { Description = "Only twins with this status", HelpName = "status" };
        status.AcceptOnlyFromAmong("ok", "warning", "alarm", "fault", "offline");
        var command = new Command("list", "List twins by kind, building and status") { kind, building, status };

        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            var list = await api.ListTwins(parse.GetValue(kind), parse.GetValue(building), parse.GetValue(status), cancellationToken);
            output.Show(list, output.TwinList);
        });
        return command;
    }
}
