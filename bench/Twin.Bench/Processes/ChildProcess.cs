using System.Collections.Concurrent;
using System.Diagnostics;

namespace Twin.Bench.Processes;

/// <summary>
/// A process the benchmark starts and owns: its output goes to a log file, and it is killed when disposed, or when the
/// driver itself is stopped (SIGTERM, Ctrl+C) before it could dispose it: no silo or broker is left behind to skew the
/// next run.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    static readonly ConcurrentDictionary<ChildProcess, byte> Live = new();

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var child in Live.Keys)
            child.KillNow();
    };

    readonly Process process;
    readonly StreamWriter log;

    ChildProcess(Process process, StreamWriter log, string logPath)
    {
        this.process = process;
        this.log = log;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Runs a short command to its end and returns its exit code and what it printed (standard output, then error).</summary>
    public static async Task<(int Code, string Output)> Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    public static ChildProcess Start(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string logPath,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"could not start {file}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(process, log, logPath);
        Live.TryAdd(child, 0);
        return child;
    }

    static void Write(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.WriteLine(line);
    }

    /// <summary>Resident set size, from /proc.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }

    /// <summary>CPU time the process has used so far (user + system, all threads).</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>The last lines of its log, for an error message when it fails.</summary>
    public string Tail(int lines = 15)
    {
        try
        {
            lock (log)
                log.Flush();
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Asks it to stop (SIGTERM) and waits; kills it if it does not stop within <paramref name="grace"/>.</summary>
    public async Task Stop(TimeSpan grace)
    {
        if (process.HasExited)
            return;
        using (var terminate = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            await terminate.WaitForExitAsync();
        using var wait = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    void KillNow()
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Live.TryRemove(this, out _);
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        lock (log)
            log.Dispose();
    }
}
