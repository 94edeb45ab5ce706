using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.Audit;

/// <summary>Appends and never changes or removes an entry. Each entry is stored before the read it records is answered.</summary>
public sealed class AuditLogGrain([PersistentState("audit", TwinStorage.Name)] IPersistentState<AuditLogState> store) : Grain, IAuditLogGrain
{
    public Task Record(AuditEntry entry) => RecordAll([entry]);

    public async Task RecordAll(ImmutableArray<AuditEntry> entries)
    {
        if (entries.IsEmpty)
            return;
        store.State = store.State with { Entries = store.State.Entries.AddRange(entries) };
        await store.WriteOrDeactivate(this);
    }

    public Task<ImmutableArray<AuditEntry>> Query(string? subject, int limit) =>
        Task.FromResult(store.State.Entries.Reverse().Where(e => subject is null || e.Subject == subject).Take(limit).ToImmutableArray());
}

[GenerateSerializer, Alias("twin.audit-log")]
public sealed record AuditLogState
{
    [Id(0)] public ImmutableList<AuditEntry> Entries { get; init; } = [];
}
