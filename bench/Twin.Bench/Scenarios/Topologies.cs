using System.Diagnostics;
using System.Text.Json;
using Twin.Bench.Processes;

namespace Twin.Bench.Scenarios;

/// <summary>A community of a given size, made by the repository's own generator (samples/generate-community.cs).</summary>
public sealed record Topology(string Path, int Twins, int Households)
{
    /// <summary>Twins per household in the generated communities (buildings, lamps, bins, cameras and gates come with them).</summary>
    const double TwinsPerHousehold = 1.282;
    static readonly string[] TwinLists = ["buildings", "households", "gates", "lamps", "bins", "cameras"];

    public static Topology Sample => Read(System.IO.Path.Combine(Workspace.Repository, "samples", "community.json"));

    /// <summary>About <paramref name="twins"/> twins: generated once per size and kept in the workspace's parent for later runs.</summary>
    public static async Task<Topology> WithAbout(int twins, Workspace workspace)
    {
        var households = (int)Math.Round(twins / TwinsPerHousehold);
        var cache = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(workspace.Root)!, "topologies")).FullName;
        var file = System.IO.Path.Combine(cache, $"community-{households}.json");
        if (!File.Exists(file))
        {
            var generator = System.IO.Path.Combine(Workspace.Repository, "samples", "generate-community.cs");
            using var process = Process.Start(new ProcessStartInfo("dotnet", ["run", generator, "--", "--households", households.ToString(), "--out", file + ".tmp"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new BenchException($"generate-community failed ({process.ExitCode}): {output}");
            File.Move(file + ".tmp", file, overwrite: true);
        }
        return Read(file);
    }

    static Topology Read(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var root = document.RootElement;
        int Count(string list) => root.TryGetProperty(list, out var items) ? items.GetArrayLength() : 0;
        var twins = TwinLists.Sum(Count);
        return new Topology(file, twins, Count("households"));
    }
}
