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
    /// mosquitto 2.0 on loopback. It queues up to 100,000 messages per client like the embedded broker, and lets a client
    /// have as many QoS 1 messages in flight as the client's receive maximum allows (the default of 20 would measure
    /// that setting, not the broker).
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
            max_queued_messages 100000
            max_inflight_messages 0
            log_dest stdout
            log_type error
            log_type warning

            """);
        var child = ChildProcess.Start(binary, ["-c", config], new Dictionary<string, string?>(), workspace.LogFile(name));
        await FreePort.WaitUntilListening(port, TimeSpan.FromSeconds(30), () => child.HasExited, () => child.Tail());
        return new BrokerProcess(child, new BrokerEndpoint("mosquitto", "127.0.0.1", port));
    }

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

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
