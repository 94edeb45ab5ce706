using System.Diagnostics;

namespace Twin.Tests.Cli;

/// <summary>Runs the real <c>twin</c> executable (built next to the tests) as a process, with no silo and no config file.</summary>
static class TwinProcess
{
    static readonly string TwinDll = Path.Combine(AppContext.BaseDirectory, "twin.dll");

    public static async Task<(int Exit, string Out, string Err)> Run(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(TwinDll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // Offline commands must not need any of these; make sure none leaks in from the machine running the tests.
        foreach (var name in new[] { "TWIN_URL", "TWIN_TOKEN", "TWIN_ADMIN_TOKEN", "TWIN_MQTT_SILO_PASSWORD" })
            start.Environment.Remove(name);
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), $"twin-cli-tests-{Guid.NewGuid():N}");
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static Task<(int Exit, string Out, string Err)> Run(params string[] args) => Run(null, args);
}

/// <summary>A temporary directory, removed with everything in it.</summary>
sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("twin-cli-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory fails no test.
        }
    }
}
