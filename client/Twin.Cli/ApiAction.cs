using System.CommandLine;

namespace Twin.Cli;

/// <summary>What a command does once its arguments are parsed: talk to the API through the client and print through the output.</summary>
public delegate Task ApiCall(ParseResult parse, TwinApiClient api, Output output, CancellationToken cancellationToken);

public static class ApiAction
{
    /// <summary>
    /// Runs <paramref name="call"/> with a client for the resolved connection, and turns what can go wrong into one
    /// <c>error:</c> line and the exit code scripts rely on.
    /// </summary>
    public static void SetApiAction(this Command command, CommonOptions common, ApiCall call) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new Output(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(common.Json));
            try
            {
                var connection = Connection.Resolve(
                    parse.GetValue(common.Url), parse.GetValue(common.Token),
                    Environment.GetEnvironmentVariable, Connection.DefaultConfigPath(Environment.GetEnvironmentVariable));
                using var api = new TwinApiClient(connection);
                await call(parse, api, output, cancellationToken);
                return ExitCodes.Ok;
            }
            catch (UsageException e)
            {
                output.Error(e.Message);
                return ExitCodes.Usage;
            }
            catch (TwinApiException e)
            {
                output.Error($"{e.Message} (HTTP {e.Status})");
                return e.ExitCode;
            }
            catch (TwinApiUnreachableException e)
            {
                output.Error(e.Message);
                return ExitCodes.Unavailable;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
        });
}
