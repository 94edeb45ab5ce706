using System.Net;
using System.Reflection;
using MQTTnet.Server;
using Twin.Silo.Mqtt;

namespace Twin.Bench.Processes;

/// <summary>Where an MQTT broker listens, and which one it is.</summary>
public sealed record BrokerEndpoint(string Name, string Host, int Port);

/// <summary>A broker the benchmark runs on its own: the embedded broker's MQTTnet server with no silo around it, or mosquitto.</summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    static readonly string[] MosquittoPaths = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"];
    readonly ChildProcess process;

    BrokerProcess(ChildProcess process, BrokerEndpoint endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    public BrokerEndpoint Endpoint { get; }

    public ChildProcess Process => process;

    /// <summary>The MQTTnet server with exactly the options the silo gives its embedded broker, in a process of its own.</summary>
    public static async Task<BrokerProcess> StartBare(Workspace workspace)
    {
        var port = FreePort.Next();
        var (file, arguments) = SelfCommand(["broker", "--port", port.ToString()]);
        var child = ChildProcess.Start(file, arguments, new Dictionary<string, string?>(), workspace.LogFile("bare-broker"));
        await FreePort.WaitUntilListening(port, TimeSpan.FromSeconds(30), () => child.HasExited, () => child.Tail());
        return new BrokerProcess(child, new BrokerEndpoint("embedded (MQTTnet)", "127.0.0.1", port));
    }

    /// <summary>
    /// mosquitto 2.0 on loopback. It lets a client have as many QoS 1 messages in flight as the client's receive maximum
    /// allows (the default of 20 would measure that setting, not the broker), and its queues have no limit: mosquitto
    /// 2.0.11 (Debian 12's) counts a busy MQTT 5 subscriber's messages in flight against <c>max_queued_messages</c> and,
    /// once a burst has overrun the subscriber's receive maximum, promotes queued messages past that maximum, so with a
    /// limit it silently dropped QoS 1 messages to the bench's subscriber (41,817 in six 15 s runs with 100,000; none
    /// with no limit; fixed upstream in 2.0.13). The closed loop keeps at most 2,000 messages unanswered, so no queue
    /// grows. Its own counters (<c>$SYS/broker/#</c>, every second) go into the evidence of a stall.
    /// </summary>
    public static async Task<BrokerProcess> StartMosquitto(Workspace workspace, string name = "mosquitto")
    {
        var binary = MosquittoPaths.FirstOrDefault(File.Exists)
            ?? throw new BenchException("mosquitto is not installed: run scripts/install-test-deps.sh (apt-get install mosquitto)");
        var port = FreePort.Next();
        var config = workspace.File($"{name}.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_queued_messages 0
            max_inflight_messages 0
            sys_interval 1
            log_dest stdout
            log_type error
            log_type warning

            """);
        var child = ChildProcess.Start(binary, ["-c", config], new Dictionary<string, string?>(), workspace.LogFile(name));
        await FreePort.WaitUntilListening(port, TimeSpan.FromSeconds(30), () => child.HasExited, () => child.Tail());
        return new BrokerProcess(child, new BrokerEndpoint("mosquitto", "127.0.0.1", port))
        {
            evidence = Load.StallEvidence.Include($"{name}: $SYS/broker/#", () => SystemTopics(port)),
        };
    }

    IDisposable? evidence;

    /// <summary>What mosquitto says of itself: two seconds of its <c>$SYS</c> topics, read with mosquitto_sub.</summary>
    static async Task<string> SystemTopics(int port) =>
        (await ChildProcess.Run("mosquitto_sub", "-h", "127.0.0.1", "-p", port.ToString(), "-i", $"bench-sys-{port}", "-t", "$SYS/broker/#", "-v", "-W", "2")).Output;

    /// <summary>How to start this program again with other arguments (as an apphost, or through <c>dotnet</c>).</summary>
    static (string File, IEnumerable<string> Arguments) SelfCommand(IEnumerable<string> arguments)
    {
        var host = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? (host, arguments.Prepend(Assembly.GetExecutingAssembly().Location))
            : (host, arguments);
    }

    /// <summary>The body of <c>twin-bench broker</c>: runs the bare broker until the process is stopped.</summary>
    public static async Task<int> RunBare(int port, CancellationToken cancellationToken)
    {
        using var server = new MqttServerFactory().CreateMqttServer(EmbeddedBroker.ServerOptions(IPAddress.Loopback, port));
        await server.StartAsync();
        Console.WriteLine($"bare MQTTnet broker on 127.0.0.1:{port}");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        await server.StopAsync();
        return 0;
    }

    public ValueTask DisposeAsync()
    {
        evidence?.Dispose();
        return process.DisposeAsync();
    }
}
