using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Twin.Silo.Persistence;

/// <summary>
/// Grain state for the embedded mode, where the cluster is this one silo and state lives as long as the process.
/// Orleans' memory storage serializes every write and sends it to a storage grain, as if to a database; here a state is
/// kept as the object itself, copied with Orleans' deep copier on the way in and out so no activation can change what is
/// stored behind its back. An immutable state (a twin's) is not copied at all: the store and the activation share it.
/// At 100k twins that is 12 MiB less and no serialization on the twins' writes. Etags are checked as a database would.
/// </summary>
public sealed class InProcessGrainStorage(DeepCopier copier, IActivatorProvider activators) : IGrainStorage
{
    sealed record Stored(object? State, string ETag);

    readonly ConcurrentDictionary<(string StateName, GrainId Grain), Stored> states = new();
    long lastETag;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (states.TryGetValue((stateName, grainId), out var stored) && stored.State is T state)
        {
            grainState.State = copier.Copy(state);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        else
            Reset(grainState);
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var written = new Stored(copier.Copy(grainState.State), NextETag());
        var expected = grainState.ETag;
        if (!Replace(key, expected, written))
            return Task.FromException(Mismatch(stateName, grainId, expected));
        grainState.ETag = written.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var expected = grainState.ETag;
        if (states.TryGetValue(key, out var stored))
        {
            if (stored.ETag != expected || !states.TryRemove(new KeyValuePair<(string, GrainId), Stored>(key, stored)))
                return Task.FromException(Mismatch(stateName, grainId, expected));
        }
        else if (expected is not null)
            return Task.FromException(Mismatch(stateName, grainId, expected));
        Reset(grainState);
        return Task.CompletedTask;
    }

    /// <summary>What a grain holds when nothing is stored for it: a fresh state, no etag.</summary>
    void Reset<T>(IGrainState<T> grainState)
    {
        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>Stores <paramref name="written"/> only if what is stored still carries <paramref name="expected"/> (none: nothing stored).</summary>
    bool Replace((string, GrainId) key, string? expected, Stored written)
    {
        if (expected is null)
            return states.TryAdd(key, written);
        return states.TryGetValue(key, out var stored) && stored.ETag == expected && states.TryUpdate(key, written, stored);
    }

    string NextETag() => Interlocked.Increment(ref lastETag).ToString(CultureInfo.InvariantCulture);

    InconsistentStateException Mismatch(string stateName, GrainId grainId, string? expected) =>
        new($"the stored '{stateName}' of {grainId} changed since it was read (etag {expected ?? "none"})",
            states.TryGetValue((stateName, grainId), out var stored) ? stored.ETag : null, expected);
}
