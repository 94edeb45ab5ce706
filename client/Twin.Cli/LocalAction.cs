using System.CommandLine;

namespace Twin.Cli;

/// <summary>What an offline command does once its arguments are parsed: no API, no token, only files and the output.</summary>
public delegate Task LocalCall(ParseResult parse, Output output, CancellationToken cancellationToken);

public static class LocalAction
{
    /// <summary>
    /// Runs <paramref name="call"/> without resolving a connection (these commands work with no silo running), and turns
    /// a <see cref="UsageException"/> into one <c>error:</c> line and <see cref="ExitCodes.Usage"/>.
    /// </summary>
    public static void SetLocalAction(this Command command, CommonOptions common, LocalCall call) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new Output(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(common.Json));
            try
            {
                await call(parse, output, cancellationToken);
                return ExitCodes.Ok;
            }
            catch (UsageException e)
            {
                output.Error(e.Message);
                return ExitCodes.Usage;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
        });
}
