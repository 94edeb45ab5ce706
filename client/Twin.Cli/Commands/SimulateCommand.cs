using System.CommandLine;
using Twin.Cli.Simulation;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin simulate</c>: plays the community's devices over MQTT, with realistic readings, command acknowledgements and
/// scenarios, for demos and benchmarks. The work is in <see cref="Simulator"/>; this only reads the options.
/// </summary>
public static class SimulateCommand
{
    public static Command Create(CommonOptions common)
    {
        var broker = new Option<string?>("--broker")
        {
            Description = $"The MQTT broker, host:port [env {SimulationSettings.BrokerVariable}, default {BrokerAddress.Default}, the silo's embedded broker]",
            HelpName = "host:port",
        };
        var topology = new Option<string?>("--topology")
        {
            Description = "The topology file whose devices to play [default: the sample community built into twin]; they must be provisioned, or the silo dead-letters their messages",
            HelpName = "community.json",
        };
        var devices = new Option<int>("--devices")
        {
            Description = "How many devices to play: the first N of the topology, taking lamps, gates, bins, cameras, then households; 0 plays them all",
            HelpName = "N",
        };
        var rate = new Option<double>("--rate")
        {
            Description = "Messages per second in total, paced evenly (command acks and the answers they bring count too)",
            HelpName = "R",
            DefaultValueFactory = _ => SimulationSettings.DefaultRate,
        };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds [default: run until Ctrl+C]", HelpName = "seconds" };
        var count = new Option<long?>("--count") { Description = "Stop after this many messages", HelpName = "messages" };
        var scenario = new Option<string>("--scenario")
        {
            Description = "normal: the day as it is; fire: after --fire-after seconds a camera sees smoke and a household's smoke alarm goes off, " +
                "then the building's households check in; night: the clock starts at 23:00, dark, lamps see motion now and then",
            HelpName = "scenario",
            DefaultValueFactory = _ => "normal",
        };
        scenario.AcceptOnlyFromAmong([.. SimulationSettings.Scenarios]);
        var clock = new Option<string?>("--clock")
        {
            Description = "The simulated time of day to start at, HH:mm; lux follows it [default: the local time; 23:00 for night]",
            HelpName = "HH:mm",
        };
        var fireAfter = new Option<double>("--fire-after")
        {
            Description = "Seconds from the start to the fire, in the fire scenario",
            HelpName = "seconds",
            DefaultValueFactory = _ => SimulationSettings.DefaultFireAfter.TotalSeconds,
        };
        var username = new Option<string?>("--username") { Description = "MQTT username: an account allowed to publish for every simulated device [default: anonymous, as the embedded broker on loopback admits]", HelpName = "username" };
        var password = new Option<string?>("--password") { Description = "MQTT password", HelpName = "password" };
        var clientId = new Option<string?>("--client-id") { Description = "MQTT client id [default: twin-sim-<random>]", HelpName = "id" };

        var command = new Command("simulate",
            "Play the community's devices over MQTT: lamps whose light follows the time of day, bins that fill and are emptied, " +
            "gates, cameras and households, with a fault now and then; acknowledge the twins' commands as devices do, and show " +
            "progress. Each device has its own rising seq. Every camera is heard from at least every 20 s whatever the rate, so " +
            "the silo does not mark it offline. Ctrl+C stops it and prints a summary")
        {
            broker, topology, devices, rate, duration, count, scenario, clock, fireAfter, username, password, clientId,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = new Output(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(common.Json));
            try
            {
                var settings = SimulationSettings.From(
                    parse.GetValue(broker), parse.GetValue(topology), parse.GetValue(devices), parse.GetValue(rate), parse.GetValue(duration),
                    parse.GetValue(count), parse.GetValue(scenario), parse.GetValue(clock), parse.GetValue(fireAfter),
                    parse.GetValue(username), parse.GetValue(password), parse.GetValue(clientId),
                    Environment.GetEnvironmentVariable, TimeOnly.FromDateTime(DateTime.Now));
                var community = SimTopology.Load(settings.Topology);
                var random = new Random();
                using var simulator = new Simulator(settings, Simulator.Models(community.Take(settings.Devices), settings.Scenario, random), random: random);

                await using var link = await MqttLink.Connect(settings, simulator.CommandTopics, simulator.Receive, cancellationToken);
                if (link.Refused.Count > 0)
                    output.Warning($"the broker refused the command subscriptions of {link.Refused.Count} devices (first {link.Refused[0]}): they will not answer commands.");
                output.SimulationStarting(settings, community, simulator);
                var run = simulator.Run(link, community.Source, community.Community, cancellationToken);
                await output.FollowSimulation(simulator.Stats, run);
                output.SimulationSummary(await run);
                return ExitCodes.Ok;
            }
            catch (UsageException e)
            {
                output.Error(e.Message);
                return ExitCodes.Usage;
            }
            catch (BrokerException e)
            {
                output.Error(e.Message);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C before the run started (while connecting): nothing was sent, nothing to report.
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
