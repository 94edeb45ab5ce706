using Twin.Silo;
using Twin.Silo.Topology;

try
{
    await TwinHost.Build(args).RunAsync();
    return 0;
}
catch (Twin.Silo.Persistence.DatabaseUnavailableException e)
{
    await Console.Error.WriteLineAsync($"twin: {e.Message}");
    return 1;
}
catch (TopologyException e)
{
    await Console.Error.WriteLineAsync($"twin: {e.Message}");
    return 1;
}
catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    await Console.Error.WriteLineAsync($"twin: a port is already in use ({e.Message}). Is another silo running? Set --urls, Twin:Mqtt:Port, Twin:Silo:Port and Twin:Silo:GatewayPort.");
    return 1;
}

public partial class Program;
