using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.Boards;

/// <summary>
/// One community's board of <typeparamref name="TItem"/>, stored so it survives a restart. Reentrant so that changes
/// arriving together are stored in one write: each call changes the state without awaiting, then waits for the write.
/// </summary>
[Reentrant]
public sealed class BoardGrain<TItem> : Grain, IBoardGrain<TItem> where TItem : IBoardItem
{
    readonly IPersistentState<BoardState<TItem>> store;
    readonly GroupedWrites writes;

    public BoardGrain([PersistentState("board", TwinStorage.Name)] IPersistentState<BoardState<TItem>> store)
    {
        this.store = store;
        writes = new GroupedWrites(() => store.WriteOrDeactivate(this));
    }

    public Task Changed(TItem item)
    {
        if (store.State.Items.TryGetValue(item.Id, out var known) && known.Version >= item.Version)
            return Task.CompletedTask;
        store.State = store.State with { Items = store.State.Items.SetItem(item.Id, item) };
        return writes.Write();
    }

    public Task<ImmutableArray<TItem>> Items() => Task.FromResult(store.State.Items.Values.ToImmutableArray());
}

[GenerateSerializer, Alias("twin.board-state`1")]
public sealed record BoardState<TItem>
{
    [Id(0)] public ImmutableDictionary<string, TItem> Items { get; init; } = ImmutableDictionary<string, TItem>.Empty;
}
