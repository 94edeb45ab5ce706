using System.Collections.Immutable;

namespace Twin.Audit;

/// <summary>One read of personal data: who read what, when, and why.</summary>
[GenerateSerializer, Immutable, Alias("twin.audit-entry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Party,
    [property: Id(2)] string Role,
    [property: Id(3)] string Subject,
    [property: Id(4)] ImmutableArray<string> Fields,
    [property: Id(5)] string Purpose,
    [property: Id(6)] string Channel);

/// <summary>The community's append-only audit log of personal-data reads.</summary>
[Alias("twin.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    [Alias("record")]
    Task Record(AuditEntry entry);

    /// <summary>Several reads answered at once (a list), stored in one write.</summary>
    [Alias("record-all")]
    Task RecordAll(ImmutableArray<AuditEntry> entries);

    /// <summary>Newest first; <paramref name="subject"/> is a twin address, or null for every subject.</summary>
    [Alias("query"), ReadOnly]
    Task<ImmutableArray<AuditEntry>> Query(string? subject, int limit);
}

public static class AuditGrains
{
    public static IAuditLogGrain GetAuditLog(this IGrainFactory grains, string community) => grains.GetGrain<IAuditLogGrain>(community);
}
