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

    public string TopologyPath => string.IsNullOrWhiteSpace(Topology) ? Path.Combine(AppContext.BaseDirectory, "community.json") : Topology;
}

/// <summary>Loads the topology file when the silo starts; a file that is missing or wrong stops the start with the reason.</summary>
public sealed class TopologyLoader(IOptions<TwinOptions> options, Provisioner provisioner, Orleans.Serialization.Serializer serializer, ILogger<TopologyLoader> logger)
    : IHostedService
{
    readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Loaded => loaded.Task;

    public ProvisionReport? Report { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.TopologyPath;
        TopologyDocument document;
        try
        {
            document = TopologyDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
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
        Report = report;
        IncidentPathWarmup.Run(serializer);
        Log.TopologyLoaded(logger, path, report.Community, report.Added.Length + report.Changed.Length + report.Unchanged);
        loaded.TrySetResult();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class TopologyException(string message) : Exception(message);
