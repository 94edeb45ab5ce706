using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Twin.Tests.Support;

/// <summary>
/// One silo as its own process (<c>dotnet Twin.Silo.dll</c>, built next to the tests), on free ports, so a test can
/// kill it with -9 like a crash or stop it with SIGTERM like an operator. Everything it prints goes to a log file and a
/// buffer whose tail a failing test can show.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    const int BufferedLines = 5_000;
    static readonly string SiloDll = Path.Combine(AppContext.BaseDirectory, "Twin.Silo.dll");

    readonly Dictionary<string, string?> environment;
    readonly Queue<string> lines = new();
    readonly Lock gate = new();
    StreamWriter? log;
    Process? process;

    public SiloProcess(string name, string logDirectory, string adminToken, IReadOnlyDictionary<string, string?> settings)
    {
        Name = name;
        AdminToken = adminToken;
        LogPath = Path.Combine(logDirectory, $"{name}.log");
        environment = new Dictionary<string, string?>(settings)
        {
            ["ASPNETCORE_URLS"] = BaseUrl,
            ["TWIN_ADMIN_TOKEN"] = adminToken,
            ["Twin__Silo__Name"] = name,
            ["Twin__Silo__Port"] = SiloPort.ToString(),
            ["Twin__Silo__GatewayPort"] = GatewayPort.ToString(),
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
    }

    public string Name { get; }

    public string AdminToken { get; }

    public int HttpPort { get; } = FreePort.Next();

    public int SiloPort { get; } = FreePort.Next();

    public int GatewayPort { get; } = FreePort.Next();

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    public string LogPath { get; }

    /// <summary>Carries the admin token; short timeouts, because a test polls silos that may be dead.</summary>
    public HttpClient Http { get; }

    public bool IsRunning => process is { HasExited: false };

    public int? ProcessId => process?.Id;

    /// <summary>Starts the process (again, after it exited: same name and ports, as a restarted silo would have).</summary>
    public void Start()
    {
        if (IsRunning)
            throw new InvalidOperationException($"{Name} is already running (pid {process!.Id}).");
        if (!File.Exists(SiloDll))
            throw new InvalidOperationException($"{SiloDll} is missing: build tests/Twin.Tests, which copies the silo next to the tests.");
        process?.Dispose();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloDll);
        // Nothing from the machine running the tests may configure the silo behind the test's back.
        foreach (var inherited in start.Environment.Keys.Where(IsSiloSetting).ToList())
            start.Environment.Remove(inherited);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
        Record($"---- {DateTime.Now:HH:mm:ss.fff} test: starting {Name} (http {HttpPort}, silo {SiloPort}, gateway {GatewayPort})");
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    static bool IsSiloSetting(string name) =>
        name.StartsWith("Twin__", StringComparison.OrdinalIgnoreCase) || name.StartsWith("TWIN_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Orleans__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase);

    /// <summary>Waits until <c>/health</c> answers 200; fails at once, with the log, if the process exits first.</summary>
    public async Task WaitReady(TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(60);
        var deadline = Stopwatch.StartNew();
        string last = "no answer yet";
        while (deadline.Elapsed < limit)
        {
            if (!IsRunning)
                throw new InvalidOperationException($"{Name} exited (code {ExitCodeOrNull()}) before it was ready.\n{Tail()}");
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await Http.GetAsync("/health", timeout.Token);
                if (response.IsSuccessStatusCode)
                    return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(timeout.Token)}";
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} was not ready within {limit.TotalSeconds:0} s; /health said: {last}\n{Tail()}");
    }

    /// <summary>The status code and body of <c>/health</c>; null when the silo does not answer.</summary>
    public async Task<(int Status, JsonElement Body)?> Health(string path = "/health")
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            using var response = await Http.GetAsync(path, timeout.Token);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token)).RootElement.Clone();
            return ((int)response.StatusCode, body);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The sum of a Prometheus metric's series on <c>/metrics</c> (0 when it has none yet).</summary>
    public async Task<double> Metric(string name)
    {
        var text = await Http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>kill -9: the process gets no chance to acknowledge, flush or leave the cluster.</summary>
    public void Kill()
    {
        if (!IsRunning)
            throw new InvalidOperationException($"{Name} is not running, so it cannot be killed.\n{Tail()}");
        Record($"---- {DateTime.Now:HH:mm:ss.fff} test: kill -9 {Name} (pid {process!.Id})");
        // On Linux this is SIGKILL, to the silo and anything it started.
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as an operator or a supervisor stops it, then waits for it to exit.</summary>
    public async Task StopGracefully(TimeSpan? within = null)
    {
        if (!IsRunning)
            return;
        Record($"---- {DateTime.Now:HH:mm:ss.fff} test: SIGTERM {Name} (pid {process!.Id})");
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString()]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill"))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name} did not exit within {(within ?? TimeSpan.FromSeconds(30)).TotalSeconds:0} s of SIGTERM; killed it.\n{Tail()}");
        }
    }

    public int? ExitCodeOrNull() => process is { HasExited: true } ? process.ExitCode : null;

    /// <summary>The last lines the silo printed, headed by its name, for failure messages.</summary>
    public string Tail(int count = 50)
    {
        lock (gate)
        {
            var text = new StringBuilder($"==== last {Math.Min(count, lines.Count)} lines of {Name} ({LogPath}) ====\n");
            foreach (var line in lines.Skip(Math.Max(0, lines.Count - count)))
                text.Append(line).Append('\n');
            return text.ToString();
        }
    }

    /// <summary>Every buffered line containing <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LinesContaining(string text)
    {
        lock (gate)
            return lines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
    }

    void Record(string? line)
    {
        if (line is null)
            return;
        lock (gate)
        {
            lines.Enqueue(line);
            while (lines.Count > BufferedLines)
                lines.Dequeue();
            try
            {
                log?.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The process printed its last line after the test was done with it.
            }
        }
    }

    public void Dispose()
    {
        if (IsRunning)
        {
            try
            {
                process!.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }
        process?.Dispose();
        Http.Dispose();
        lock (gate)
        {
            log?.Dispose();
            log = null;
        }
    }
}
