using System.Collections.Immutable;

namespace Twin.WorkOrders;

/// <summary>One work order (key: its id; grain type <c>workorder</c>).</summary>
[Alias("twin.IWorkOrderGrain")]
public interface IWorkOrderGrain : IGrainWithStringKey
{
    [Alias("open")]
    Task<WorkOrderView> Open(WorkOrderRequest request);

    [Alias("step")]
    Task<WorkOrderOutcome> Step(string action, string by, string? assignee, string? note);

    /// <summary>The household that raised it rates the finished work (a later rating replaces the earlier one).</summary>
    [Alias("rate")]
    Task<WorkOrderOutcome> Rate(string household, int stars, string? comment);

    [Alias("view"), ReadOnly]
    Task<WorkOrderView?> GetView();
}

/// <summary>The community's board of work orders, kept current by the work orders themselves.</summary>
[Alias("twin.IWorkOrderBoardGrain")]
public interface IWorkOrderBoardGrain : IGrainWithStringKey
{
    [Alias("changed"), OneWay]
    Task Changed(WorkOrderView workOrder);

    [Alias("query"), ReadOnly]
    Task<ImmutableArray<WorkOrderView>> Query(string? status);

    [Alias("open-count"), ReadOnly]
    Task<int> OpenCount();
}

public static class WorkOrderGrains
{
    public static IWorkOrderGrain GetWorkOrder(this IGrainFactory grains, string id) =>
        GrainReferences.Get<IWorkOrderGrain>(grains, GrainId.Create(TwinKinds.WorkOrder, id));

    public static IWorkOrderBoardGrain GetWorkOrderBoard(this IGrainFactory grains, string community) =>
        grains.GetGrain<IWorkOrderBoardGrain>(community);
}
