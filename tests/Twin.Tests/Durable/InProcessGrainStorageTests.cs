using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Twin.Silo.Persistence;
using Twin.Twins;

namespace Twin.Tests.Durable;

/// <summary>The embedded mode's grain storage behaves like a database: etags, read-back, clear, and no shared mutable state.</summary>
public sealed class InProcessGrainStorageTests
{
    static readonly ServiceProvider Services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(TwinState).Assembly).AddAssembly(typeof(Notebook).Assembly)).BuildServiceProvider();
    readonly InProcessGrainStorage storage = new(Services.GetRequiredService<DeepCopier>(), Services.GetRequiredService<IActivatorProvider>());
    static readonly GrainId Lamp = GrainId.Create("lamp", "L-01");

    static GrainState<T> Empty<T>() where T : new() => new(new T());

    async Task<GrainState<T>> Read<T>(string stateName) where T : new()
    {
        var read = Empty<T>();
        await storage.ReadStateAsync(stateName, Lamp, read);
        return read;
    }

    [Fact]
    public async Task A_grain_never_written_reads_a_fresh_state_that_does_not_exist_yet()
    {
        var read = Empty<TwinState>();
        read.State = new TwinState { Id = "left over" };
        await storage.ReadStateAsync("twin", Lamp, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal("", read.State!.Id);
    }

    [Fact]
    public async Task A_written_state_reads_back_with_its_etag_and_a_write_from_a_stale_read_is_refused()
    {
        var first = Empty<TwinState>();
        first.State = new TwinState { Kind = "lamp", Id = "L-01", Version = 3 };
        await storage.WriteStateAsync("twin", Lamp, first);
        Assert.True(first.RecordExists);
        Assert.NotNull(first.ETag);

        var read = await Read<TwinState>("twin");
        Assert.True(read.RecordExists);
        Assert.Equal(first.ETag, read.ETag);
        Assert.Equal(3, read.State!.Version);

        read.State = read.State! with { Version = 4 };
        await storage.WriteStateAsync("twin", Lamp, read);
        first.State = first.State! with { Version = 5 };
        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("twin", Lamp, first));
        Assert.Equal(read.ETag, refused.StoredEtag);

        var again = await Read<TwinState>("twin");
        Assert.Equal(4, again.State!.Version);
        var other = await Read<TwinState>("history");
        Assert.False(other.RecordExists);
    }

    [Fact]
    public async Task A_second_first_write_is_refused_and_a_cleared_state_is_gone()
    {
        var one = Empty<TwinState>();
        await storage.WriteStateAsync("twin", Lamp, one);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("twin", Lamp, Empty<TwinState>()));

        await storage.ClearStateAsync("twin", Lamp, one);
        Assert.False(one.RecordExists);
        Assert.Null(one.ETag);
        var read = await Read<TwinState>("twin");
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task A_mutable_state_changed_after_its_write_does_not_change_what_is_stored()
    {
        var notes = Empty<Notebook>();
        notes.State!.Lines.Add("lamp L-01 flickers");
        await storage.WriteStateAsync("notes", Lamp, notes);
        notes.State!.Lines.Add("not yet stored");

        var read = await Read<Notebook>("notes");
        Assert.Equal(["lamp L-01 flickers"], read.State!.Lines);
        read.State!.Lines.Clear();
        var again = await Read<Notebook>("notes");
        Assert.Single(again.State!.Lines);
    }

    [Fact]
    public async Task An_immutable_twin_state_is_shared_not_copied()
    {
        var twin = Empty<TwinState>();
        twin.State = new TwinState { Kind = "lamp", Id = "L-01" };
        await storage.WriteStateAsync("twin", Lamp, twin);
        var read = await Read<TwinState>("twin");
        Assert.Same(twin.State, read.State);
    }
}

[GenerateSerializer]
public sealed class Notebook
{
    [Id(0)] public List<string> Lines { get; set; } = [];
}
