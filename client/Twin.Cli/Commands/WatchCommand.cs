using System.CommandLine;

namespace Twin.Cli.Commands;

/// <summary><c>twin watch</c>: follows the live stream, one line per twin change, until Ctrl+C.</summary>
public static class WatchCommand
{
    public static Command Create(CommonOptions common)
    {
        var building = new Option<string?>("--building") { Description = "Only changes in (or covering) this building", HelpName = "building" };
        var kind = new Option<string?>("--kind") { Description = "Only changes of this kind, e.g. lamp or incident", HelpName = "kind" };
        var command = new Command("watch", "Follow live twin changes, one line each, until Ctrl+C") { building, kind };

        command.SetApiAction(common, async (parse, api, output, cancellationToken) =>
        {
            try
            {
                await foreach (var live in api.Stream(parse.GetValue(building), parse.GetValue(kind), cancellationToken))
                    output.LiveEvent(live);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how a watch ends; it is not a failure.
            }
        });
        return command;
    }
}
