using System.Diagnostics;
using Twin.Tests.Support;

namespace Twin.Tests.Cluster;

/// <summary>
/// A real mosquitto 2.0 on a free port, configured like a production broker in front of a cluster: room to queue what a
/// dead silo's session holds until a survivor drains it. No persistence: the broker itself is never killed here.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    readonly Process process;
    readonly string logPath;
    readonly StreamWriter log;
    readonly Lock gate = new();

    MosquittoBroker(Process process, int port, string logPath)
    {
        this.process = process;
        Port = port;
        this.logPath = logPath;
        log = new StreamWriter(logPath, append: true) { AutoFlush = true };
    }

    public int Port { get; }

    public string Host => "127.0.0.1";

    public static async Task<MosquittoBroker> Start(string directory)
    {
        var binary = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mosquitto is not installed: run scripts/test.sh, which installs it (apt-get install mosquitto).");
        var port = FreePort.Next();
        var config = Path.Combine(directory, "mosquitto.conf");
        var logPath = Path.Combine(directory, "mosquitto.log");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_queued_messages 100000
            max_inflight_messages 1000
            set_tcp_nodelay true
            log_dest stderr
            log_timestamp_format %H:%M:%S
            """);
        // As root, mosquitto drops to its own user, which could not write a log file in our temp directory: it logs to us.
        var process = new Process { StartInfo = new ProcessStartInfo(binary, ["-c", config]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true } };
        var broker = new MosquittoBroker(process, port, logPath);
        process.ErrorDataReceived += (_, e) => broker.Record(e.Data);
        process.OutputDataReceived += (_, e) => broker.Record(e.Data);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await Eventually.True(async () =>
        {
            if (process.HasExited)
                throw new InvalidOperationException($"mosquitto exited with code {process.ExitCode}:\n{broker.Tail()}");
            try
            {
                await using var probe = await MqttProbe.Connect(port);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }, "mosquitto to accept connections");
        return broker;
    }

    readonly List<string> lines = [];

    void Record(string? line)
    {
        if (line is null)
            return;
        lock (gate)
        {
            lines.Add(line);
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // A last line after the test was done with the broker.
            }
        }
    }

    public string Tail(int count = 30)
    {
        lock (gate)
            return $"==== last {Math.Min(count, lines.Count)} lines of mosquitto ({logPath}) ====\n" + string.Join('\n', lines.TakeLast(count)) + "\n";
    }

    public IReadOnlyList<string> LinesContaining(string text)
    {
        lock (gate)
            return lines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
        lock (gate)
            log.Dispose();
    }
}
