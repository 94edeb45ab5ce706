using System.Collections.Immutable;
using Twin.Boards;
using Twin.Care;
using Twin.Feedback;
using Twin.Incidents;
using Twin.Polls;
using Twin.Twins;
using Twin.WorkOrders;

namespace Twin.Communities;

/// <summary>
/// The community's index of every twin's summary. Twins report to it when their status, alarms or occupancy change,
/// and again when they activate, so the index is derived state: only the community's name, buildings and the list of
/// its twins are stored. A new activation (after idle collection, a restart or the loss of its silo) asks every
/// member to report again.
/// </summary>
public sealed class CommunityGrain([PersistentState("community", TwinStorage.Name)] IPersistentState<CommunityState> state, TimeProvider clock) : Grain, ICommunityGrain
{
    const int RejoinBatch = 200;
    readonly TwinIndex twins = new();
    IGrainTimer? rejoin;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // On a timer, not here, and interleaving: the index answers queries (a building activating asks it for its
        // members) while the members report back.
        if (!state.State.Members.IsEmpty)
            rejoin = this.RegisterGrainTimer(AskMembersToRejoin,
                new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        return Task.CompletedTask;
    }

    async Task AskMembersToRejoin(CancellationToken cancellationToken)
    {
        foreach (var batch in state.State.Members.Where(m => !twins.Contains(m)).Chunk(RejoinBatch))
        {
            await Task.WhenAll(batch.Select(async member =>
            {
                try
                {
                    await GrainFactory.GetTwin(TwinId.Parse(member)).Rejoin();
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // A twin that cannot answer now reports itself when it next activates or changes.
                }
            }));
        }
        rejoin?.Dispose();
        rejoin = null;
    }

    public async Task AddMembers(ImmutableArray<string> members)
    {
        var all = state.State.Members.Union(members);
        if (all.Count == state.State.Members.Count)
            return;
        state.State = state.State with { Members = all };
        await state.WriteOrDeactivate(this);
    }

    public async Task Define(string? name, ImmutableArray<string> buildings)
    {
        name ??= state.State.Defined ? state.State.Name : this.GetPrimaryKeyString();
        var merged = state.State.Buildings.Union(buildings).Order(StringComparer.Ordinal).ToImmutableArray();
        if (state.State.Defined && state.State.Name == name && merged.SequenceEqual(state.State.Buildings))
            return;
        state.State = state.State with { Defined = true, Name = name, Buildings = merged };
        await state.WriteOrDeactivate(this);
    }

    public Task TwinChanged(TwinSummary twin)
    {
        twins.Update(twin);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<TwinSummary>> Query(TwinQuery query) =>
        Task.FromResult(twins.Matching(query)
            .OrderBy(t => t.Kind, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Take(query.Limit).ToImmutableArray());

    public async Task<CommunityOverview?> GetOverview()
    {
        if (!state.State.Defined)
            return null;
        var id = this.GetPrimaryKeyString();
        // The boards answer side by side; the twins' counts are kept as they report.
        var openWorkOrders = GrainFactory.GetWorkOrderBoard(id).OpenCount();
        var activeIncidents = GrainFactory.GetIncidentDesk(id).ActiveCount();
        var feedback = GrainFactory.GetBoard<FeedbackView>(id).Items();
        var polls = GrainFactory.GetBoard<PollView>(id).Items();
        var welfare = GrainFactory.GetBoard<WelfareView>(id).Items();
        await Task.WhenAll(openWorkOrders, activeIncidents, feedback, polls, welfare);
        return new CommunityOverview(
            this.GetPrimaryKeyString(), state.State.Name,
            twins.CountByKindAndStatus(),
            twins.ActiveAlarms,
            twins.Households,
            twins.OccupiedHouseholds,
            await openWorkOrders,
            await activeIncidents,
            state.State.Buildings,
            Satisfaction.Of(await feedback),
            ParticipationCounts.Of(await feedback, await polls, clock.GetUtcNow()),
            WelfareCounts.Of(await welfare));
    }
}

[GenerateSerializer, Alias("twin.community-state")]
public sealed record CommunityState
{
    [Id(0)] public bool Defined { get; init; }
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public ImmutableArray<string> Buildings { get; init; } = [];
    [Id(3)] public ImmutableHashSet<string> Members { get; init; } = [];
}
