using System.CommandLine;

namespace Twin.Cli.Commands;

/// <summary><c>twin notices</c>: what the community is told, such as a closed poll's result.</summary>
public static class NoticesCommand
{
    public static Command Create(CommonOptions common)
    {
        var command = new Command("notices",
            "Notices to residents, newest first, such as the results of closed polls (a household's token sees those of its building and the community)");
        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
            output.Show(await api.ListNotices(cancellationToken), output.Notices));
        return command;
    }
}
