using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.WorkOrders;

/// <summary>
/// The community's work orders, newest first, as the work orders report them. Stored, so the board survives a restart;
/// reentrant, so work orders changing together are stored in one write (<see cref="GroupedWrites"/>).
/// </summary>
[Reentrant]
public sealed class WorkOrderBoardGrain : Grain, IWorkOrderBoardGrain
{
    readonly IPersistentState<WorkOrderBoardState> state;
    readonly GroupedWrites writes;

    public WorkOrderBoardGrain([PersistentState("board", TwinStorage.Name)] IPersistentState<WorkOrderBoardState> state)
    {
        this.state = state;
        writes = new GroupedWrites(() => state.WriteOrDeactivate(this));
    }

    public Task Changed(WorkOrderView workOrder)
    {
        if (state.State.Items.TryGetValue(workOrder.Id, out var known) && known.UpdatedAt > workOrder.UpdatedAt)
            return Task.CompletedTask;
        state.State = state.State with { Items = state.State.Items.SetItem(workOrder.Id, workOrder) };
        return writes.Write();
    }

    public Task<ImmutableArray<WorkOrderView>> Query(string? status) =>
        Task.FromResult(state.State.Items.Values
            .Where(w => status is null || w.Status == status || (status == "active" && w.Status != "done"))
            .OrderByDescending(w => w.CreatedAt).ToImmutableArray());

    public Task<int> OpenCount() => Task.FromResult(state.State.Items.Values.Count(w => w.Status != "done"));
}

[GenerateSerializer, Alias("twin.workorder-board")]
public sealed record WorkOrderBoardState
{
    [Id(0)] public ImmutableDictionary<string, WorkOrderView> Items { get; init; } = ImmutableDictionary<string, WorkOrderView>.Empty;
}
