using Microsoft.Extensions.Logging;
using Twin.Feedback;
using Twin.Twins;

namespace Twin.WorkOrders;

/// <summary>One work order: opened by a rule, then assigned, started and completed by people, each step on its history.</summary>
[GrainType(TwinKinds.WorkOrder)]
public sealed class WorkOrderGrain(
    [PersistentState("workorder", TwinStorage.Name)] IPersistentState<WorkOrderState> state,
    TimeProvider clock,
    ILogger<WorkOrderGrain> logger) : Grain, IWorkOrderGrain
{
    public async Task<WorkOrderView> Open(WorkOrderRequest request)
    {
        if (state.State.Exists)
            return WorkOrderView.Of(state.State);
        var now = clock.GetUtcNow();
        state.State = new WorkOrderState
        {
            Exists = true,
            Id = this.GetPrimaryKeyString(),
            Community = request.Community,
            Twin = request.Twin.ToString(),
            Building = request.Building,
            Topic = request.Topic,
            Summary = request.Summary,
            Status = WorkOrderStatus.Open,
            CreatedAt = now,
            UpdatedAt = now,
            History = [new WorkOrderStep(now, request.Feedback is null ? request.Twin.ToString() : $"feedback/{request.Feedback}", "opened", request.Summary)],
            Feedback = request.Feedback,
            RaisedBy = request.RaisedBy,
        };
        return await Save("opened", request.Twin.ToString());
    }

    public async Task<WorkOrderOutcome> Step(string action, string by, string? assignee, string? note)
    {
        if (!state.State.Exists)
        {
            DeactivateOnIdle();
            return new WorkOrderOutcome(null, $"no work order '{this.GetPrimaryKeyString()}'", NotFound: true);
        }
        if (WorkOrderFlow.CheckStep(state.State.Status, action) is { } problem)
            return new WorkOrderOutcome(WorkOrderView.Of(state.State), problem);

        var now = clock.GetUtcNow();
        var next = action switch
        {
            "assign" => state.State with { Status = WorkOrderStatus.Assigned, Assignee = assignee },
            "start" => state.State with { Status = WorkOrderStatus.InProgress },
            _ => state.State with { Status = WorkOrderStatus.Done },
        };
        var stepNote = action == "assign" ? $"assigned to {assignee}{(note is null ? "" : $": {note}")}" : note;
        state.State = next with { UpdatedAt = now, History = next.History.Add(new WorkOrderStep(now, by, action == "complete" ? "completed" : action == "start" ? "started" : "assigned", stepNote)) };
        var view = await Save(action, by);
        if (next.Status == WorkOrderStatus.Done && TwinId.TryParse(state.State.Twin, out var twin))
            await GrainFactory.GetTwin(twin).WorkOrderDone(view.Id);
        return new WorkOrderOutcome(view, null);
    }

    public async Task<WorkOrderOutcome> Rate(string household, int stars, string? comment)
    {
        if (!state.State.Exists)
        {
            DeactivateOnIdle();
            return new WorkOrderOutcome(null, $"no work order '{this.GetPrimaryKeyString()}'", NotFound: true);
        }
        if (WorkOrderRating.Check(state.State, household, out var forbidden) is { } problem)
            return new WorkOrderOutcome(WorkOrderView.Of(state.State), problem, Forbidden: forbidden);
        var now = clock.GetUtcNow();
        var by = $"household/{household}";
        state.State = state.State with
        {
            Rating = new Feedback.Rating(stars, comment, now, by),
            UpdatedAt = now,
            History = state.State.History.Add(new WorkOrderStep(now, by, "rated", $"{stars}/5{(comment is null ? "" : $": {comment}")}")),
        };
        return new WorkOrderOutcome(await Save("rate", by), null);
    }

    public Task<WorkOrderView?> GetView() => Task.FromResult(state.State.Exists ? WorkOrderView.Of(state.State) : null);

    async Task<WorkOrderView> Save(string action, string by)
    {
        await state.WriteOrDeactivate(this);
        var view = WorkOrderView.Of(state.State);
        GrainFactory.GetWorkOrderBoard(state.State.Community).Changed(view).Ignore();
        if (state.State.Feedback is { } feedback)
        {
            // The feedback that opened this work order is waiting on Open, so it hears of the opening after it; every
            // later step and the rating are waited for, so none is lost and they arrive in order.
            var told = GrainFactory.GetFeedback(feedback).WorkOrderChanged(view);
            if (action == "opened")
                told.Ignore();
            else
                await told;
        }
        Log.WorkOrderStep(logger, view.Id, action, by);
        return view;
    }
}
