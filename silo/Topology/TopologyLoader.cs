using System.Runtime;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Twin.Topology;

namespace Twin.Silo.Topology;

public sealed class TwinOptions
{
    public const string Section = "Twin";

    /// <summary>The topology file loaded at start; by default the sample community shipped with the silo.</summary>
    public string? Topology { get; set; }

    public string? Postgres { get; set; }

    /// <summary>
    /// Whether the silo runs the Orleans dashboard at /dashboard. Its metric reader walks every activation each second:
    /// an idle silo of 100k twins used 31 % of a core with it and 16 % without, and 40 MiB more (BENCHMARKS.md).
    /// </summary>
    public bool Dashboard { get; set; } = true;

    public string TopologyPath => string.IsNullOrWhiteSpace(Topology) ? Path.Combine(AppContext.BaseDirectory, "community.json") : Topology;
}

/// <summary>Loads the topology file when the silo starts; a file that is missing or wrong stops the start with the reason.</summary>
public sealed class TopologyLoader(IOptions<TwinOptions> options, Provisioner provisioner, Orleans.Serialization.Serializer serializer, ILogger<TopologyLoader> logger)
    : IHostedService
{
    readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Loaded => loaded.Task;

    /// <summary>The community loaded at start (null until then).</summary>
    public string? Community { get; private set; }

    /// <summary>How many twins the file provisioned; the report's lists of ids are not kept (100k strings at 100k twins).</summary>
    public int Twins { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.TopologyPath;
        TopologyDocument document;
        try
        {
            await using var file = File.OpenRead(path);
            document = await TopologyDocument.Parse(file, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            var why = new TopologyException($"cannot load the topology file '{path}': {e.Message}");
            loaded.TrySetException(why);
            throw why;
        }

        var report = await provisioner.Apply(document, cancellationToken);
        if (!report.Problems.IsEmpty)
        {
            var why = new TopologyException($"the topology file '{path}' has {report.Problems.Length} problem(s):{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", report.Problems));
            loaded.TrySetException(why);
            throw why;
        }
        Community = report.Community;
        Twins = report.Added.Length + report.Changed.Length + report.Unchanged;
        IncidentPathWarmup.Run(serializer);
        ReturnLoadingMemory();
        Log.TopologyLoaded(logger, path, report.Community, Twins);
        loaded.TrySetResult();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Loading a large community allocates far more than it keeps (the parsed file, the plan, the provisioning calls).
    /// The GC would hold those emptied regions for reuse (650 MiB of 1.5 GiB resident at 100k twins); one aggressive
    /// collection, once, before the silo reports ready, hands them back to the OS. It pauses the silo for about a second
    /// at 100k twins and a few milliseconds for the sample community.
    /// </summary>
    static void ReturnLoadingMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}

public sealed class TopologyException(string message) : Exception(message);
