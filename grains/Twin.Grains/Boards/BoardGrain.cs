using System.Collections.Immutable;
using Twin.Twins;

namespace Twin.Boards;

/// <summary>One community's board of <typeparamref name="TItem"/>, stored so it survives a restart.</summary>
public sealed class BoardGrain<TItem>([PersistentState("board", TwinStorage.Name)] IPersistentState<BoardState<TItem>> store)
    : Grain, IBoardGrain<TItem> where TItem : IBoardItem
{
    public async Task Changed(TItem item)
    {
        if (store.State.Items.TryGetValue(item.Id, out var known) && known.Version >= item.Version)
            return;
        store.State = store.State with { Items = store.State.Items.SetItem(item.Id, item) };
        await store.WriteOrDeactivate(this);
    }

    public Task<ImmutableArray<TItem>> Items() => Task.FromResult(store.State.Items.Values.ToImmutableArray());
}

[GenerateSerializer, Alias("twin.board-state`1")]
public sealed record BoardState<TItem>
{
    [Id(0)] public ImmutableDictionary<string, TItem> Items { get; init; } = ImmutableDictionary<string, TItem>.Empty;
}
