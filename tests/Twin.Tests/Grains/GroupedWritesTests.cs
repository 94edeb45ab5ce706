using System.Collections.Immutable;
using Orleans.Core.Internal;
using Twin.Boards;
using Twin.Notices;
using Twin.Storage;
using Twin.Tests.Support;
using Twin.WorkOrders;

namespace Twin.Tests.Grains;

/// <summary>
/// The boards store every change before the change's caller returns, but changes that arrive together share one write,
/// so provisioning a community of 100k twins no longer serializes the welfare board once per household.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupedWritesTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Changes_made_during_a_write_wait_for_one_more_write_which_carries_them_all()
    {
        var gates = new List<TaskCompletionSource>();
        var grouped = new GroupedWrites(() =>
        {
            lock (gates)
            {
                gates.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                return gates[^1].Task;
            }
        });

        var first = grouped.Write();
        var second = grouped.Write();
        var third = grouped.Write();
        Assert.Single(gates);
        Assert.Same(second, third);

        gates[0].SetResult();
        await first;
        await Eventually.True(() => Task.FromResult(gates.Count == 2), "the second write to start");
        Assert.False(second.IsCompleted, "a change made during the first write is not stored by it");
        gates[1].SetResult();
        await second;
        Assert.Equal(2, gates.Count);
    }

    [Fact]
    public async Task A_failed_write_fails_every_change_it_carried_and_the_next_change_writes_again()
    {
        var attempts = 0;
        var grouped = new GroupedWrites(() => ++attempts == 1 ? Task.FromException(new IOException("database down")) : Task.CompletedTask);

        var failed = await Assert.ThrowsAsync<IOException>(grouped.Write);
        Assert.Equal("database down", failed.Message);
        await grouped.Write();
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_board_sent_many_changes_at_once_has_stored_every_one_when_they_return_in_fewer_writes()
    {
        var community = $"c-{Guid.NewGuid():N}"[..14];
        var board = fixture.Grains.GetBoard<NoticeView>(community);
        var at = DateTimeOffset.UtcNow;

        var release = ClusterFixture.Storage.HoldWrites(board.GetGrainId());
        Task changes;
        try
        {
            changes = Task.WhenAll(Enumerable.Range(0, 200).Select(i => board.Changed(new NoticeView($"n-{i}", community, "B1", $"notice {i}", "water off", at, "property", null))));
            await Eventually.True(async () => (await board.Items()).Length == 200, "all 200 changes to reach the board");
            Assert.False(changes.IsCompleted, "no change returns before a write holding it has finished");
            Assert.Equal(1, ClusterFixture.Storage.Writes(board.GetGrainId()));
        }
        finally
        {
            release();
        }
        await changes;
        Assert.Equal(2, ClusterFixture.Storage.Writes(board.GetGrainId()));

        await board.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"n-{i}").Order(), (await board.Items()).Select(n => n.Id).Order());
    }

    [Fact]
    public async Task The_work_order_board_keeps_every_order_reported_together_through_a_deactivation()
    {
        var community = $"c-{Guid.NewGuid():N}"[..14];
        var board = fixture.Grains.GetWorkOrderBoard(community);
        var at = DateTimeOffset.UtcNow;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            board.Changed(new WorkOrderView($"wo-{i}", community, $"lamp/L-{i}", "B1", "fault", $"lamp L-{i} reports a fault", "open", null, at, at, []))));
        await Eventually.True(async () => (await board.Query(null)).Length == 200, "the board to list all 200 orders");
        await Eventually.True(() => Task.FromResult(ClusterFixture.Storage.Writes(board.GetGrainId()) > 0), "the board to be stored");

        await board.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"wo-{i}").Order(), (await board.Query(null)).Select(w => w.Id).Order());
    }
}
