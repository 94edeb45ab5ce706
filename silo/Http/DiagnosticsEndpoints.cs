using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Twin.Silo.Security;

namespace Twin.Silo.Http;

/// <summary>
/// What the process holds, for sizing a box: resident memory and the managed heap, optionally after a full, compacting
/// collection (which pauses the silo for as long as the collection takes, so only the admin may ask for it).
/// </summary>
public static class DiagnosticsEndpoints
{
    public static RouteGroupBuilder MapDiagnostics(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/diagnostics").WithTags("Operations");
        group.MapGet("/memory", Memory).RequireAccess("diagnostics.memory")
            .WithSummary("Resident set size and managed heap of this silo; collect=true runs a full compacting collection first");
        return group;
    }

    static Ok<MemoryReport> Memory(bool? collect)
    {
        var collected = collect == true;
        if (collected)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        using var process = Process.GetCurrentProcess();
        var info = GC.GetGCMemoryInfo();
        return TypedResults.Ok(new MemoryReport(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false), info.HeapSizeBytes,
            info.FragmentedBytes, GC.CollectionCount(GC.MaxGeneration), collected, System.Runtime.GCSettings.IsServerGC));
    }

    /// <param name="ResidentBytes">The process's resident set (RSS).</param>
    /// <param name="ManagedBytes">Bytes the managed heap holds in live and not yet collected objects.</param>
    /// <param name="HeapBytes">The managed heap's size at the last collection, fragmentation included.</param>
    public sealed record MemoryReport(long ResidentBytes, long ManagedBytes, long HeapBytes, long FragmentedBytes, int FullCollections, bool Collected, bool ServerGc);
}
