using System.Collections.Immutable;

namespace Twin.Boards;

/// <summary>Something a community board lists: it has an id and a version that grows with every change.</summary>
public interface IBoardItem
{
    string Id { get; }

    long Version { get; }
}

/// <summary>
/// A community's list of one kind of item (feedback, polls, notices, welfare checks), kept current by the items'
/// own grains, so listing and counting never visits every item. Keyed by community.
/// </summary>
[Alias("twin.IBoardGrain`1")]
public interface IBoardGrain<TItem> : IGrainWithStringKey where TItem : IBoardItem
{
    /// <summary>
    /// An item changed; an older version than the one held is ignored. Items wait for it, so a list read after a
    /// change made through the API already shows it.
    /// </summary>
    [Alias("changed")]
    Task Changed(TItem item);

    /// <summary>Every item the board holds.</summary>
    [Alias("items"), ReadOnly]
    Task<ImmutableArray<TItem>> Items();
}

public static class BoardGrains
{
    /// <summary>
    /// The key names the kind of item as well as the community: grain storage keys a state by its name and the grain's
    /// key, not by the grain's type, so two boards of one community must not share a key.
    /// </summary>
    public static IBoardGrain<TItem> GetBoard<TItem>(this IGrainFactory grains, string community) where TItem : IBoardItem =>
        grains.GetGrain<IBoardGrain<TItem>>($"{community}/{typeof(TItem).Name}");
}
