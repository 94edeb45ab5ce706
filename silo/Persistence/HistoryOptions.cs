using System.ComponentModel.DataAnnotations;

namespace Twin.Silo.Persistence;

/// <summary>Section <c>Twin:History</c>.</summary>
public sealed class HistoryOptions
{
    public const string Section = "Twin:History";

    /// <summary>Entries waiting to be written. When full, whoever appends waits (ingestion then holds its acks).</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 200_000;

    /// <summary>The most rows one COPY writes.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 5_000;

    /// <summary>Embedded mode keeps this many of the newest entries of the whole community in memory.</summary>
    [Range(1, 10_000_000)]
    public int MemoryWindow { get; set; } = 50_000;

    /// <summary>
    /// The bytes embedded mode keeps those entries in (their subjects and bodies as UTF-8): when their bodies are
    /// large, fewer than <see cref="MemoryWindow"/> fit, and the oldest go first.
    /// </summary>
    [Range(1024, 1 << 30)]
    public int MemoryBytes { get; set; } = 32 * 1024 * 1024;
}
