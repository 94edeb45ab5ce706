using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.WorkOrders;

/// <summary>The community's work orders, newest first, as the work orders report them. Stored, so the board survives a restart.</summary>
public sealed class WorkOrderBoardGrain([PersistentState("board", TwinStorage.Name)] IPersistentState<WorkOrderBoardState> state) : Grain, IWorkOrderBoardGrain
{
    public async Task Changed(WorkOrderView workOrder)
    {
        if (state.State.Items.TryGetValue(workOrder.Id, out var known) && known.UpdatedAt > workOrder.UpdatedAt)
            return;
        state.State = state.State with { Items = state.State.Items.SetItem(workOrder.Id, workOrder) };
        await state.WriteOrDeactivate(this);
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
