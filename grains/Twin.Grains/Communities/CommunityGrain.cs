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
    readonly Dictionary<string, TwinSummary> twins = [];
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
        foreach (var batch in state.State.Members.Where(m => !twins.ContainsKey(m)).Chunk(RejoinBatch))
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
        var key = $"{twin.Kind}/{twin.Id}";
        if (!twins.TryGetValue(key, out var known) || known.Version <= twin.Version)
            twins[key] = twin;
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<TwinSummary>> Query(TwinQuery query) =>
        Task.FromResult(twins.Values.Where(t => t.Matches(query))
            .OrderBy(t => t.Kind, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Take(query.Limit).ToImmutableArray());

    public async Task<CommunityOverview?> GetOverview()
    {
        if (!state.State.Defined)
            return null;
        var id = this.GetPrimaryKeyString();
        var openWorkOrders = await GrainFactory.GetWorkOrderBoard(id).OpenCount();
        var activeIncidents = await GrainFactory.GetIncidentDesk(id).ActiveCount();
        var feedback = await GrainFactory.GetBoard<FeedbackView>(id).Items();
        var polls = await GrainFactory.GetBoard<PollView>(id).Items();
        var welfare = await GrainFactory.GetBoard<WelfareView>(id).Items();
        var households = twins.Values.Where(t => t.Kind == TwinKinds.Household).ToList();
        return new CommunityOverview(
            this.GetPrimaryKeyString(), state.State.Name,
            Rollup.CountByKindAndStatus(twins.Values),
            Rollup.ActiveAlarms(twins.Values),
            households.Count,
            households.Count(h => h.Occupied == true),
            openWorkOrders,
            activeIncidents,
            state.State.Buildings,
            Satisfaction.Of(feedback),
            ParticipationCounts.Of(feedback, polls, clock.GetUtcNow()),
            WelfareCounts.Of(welfare));
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
