using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;
using Twin.History;
using Twin.Incidents;
using Twin.Live;
using Twin.Silo.Cluster;
using Twin.Silo.Persistence;
using Twin.Twins;

namespace Twin.Tests.Support;

/// <summary>An Orleans test cluster with the twin grains, memory storage (counted), a fake clock and recording outputs.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    public static readonly RecordingOutput Output = new();
    public static readonly RecordingIncidents Incidents = new();
    public static readonly RecordingLiveUpdates Live = new();
    public static readonly MemoryHistory History = new(Options.Create(new HistoryOptions()), Options.Create(new SiloIdentity()));
    public static readonly CountingStorage Storage = new();

    /// <summary>How long twins hold plain telemetry here: shorter than the durable default, so a test waits less fake time.</summary>
    public static readonly TimeSpan TelemetryWindow = TimeSpan.FromSeconds(5);

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>
    /// Moves the fake clock forward in small steps, letting the grains' timers run between steps, until
    /// <paramref name="done"/> holds. Returns how much time passed. (Grain timers run on the fake clock; one big jump
    /// would let a timer skip the ticks that fall while its previous callback still runs.)
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntil(Func<Task<bool>> done, string what, TimeSpan max, TimeSpan? step = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(100);
        var advanced = TimeSpan.Zero;
        while (!await done())
        {
            if (advanced >= max)
                throw new TimeoutException($"{what} did not happen within {max.TotalSeconds} s of fake time");
            Clock.Advance(by);
            advanced += by;
            await Task.Delay(10);
        }
        return advanced;
    }

    public static Task<TimeSpan> AdvanceUntil(Func<bool> done, string what, TimeSpan max, TimeSpan? step = null) =>
        AdvanceUntil(() => Task.FromResult(done()), what, max, step);

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<Configurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo
            .AddMemoryGrainStorage(CountingStorage.Inner)
            .UseInMemoryReminderService()
            .UseTwinDefaults(new IncidentOptions().ReminderPeriod)
            .ConfigureServices(services =>
            {
                services.AddKeyedSingleton<IGrainStorage>(TwinStorage.Name, (sp, _) => Storage.Over(sp.GetRequiredKeyedService<IGrainStorage>(CountingStorage.Inner)));
                services.AddSingleton<IPartyDirectory, TestParties>();
                services.Configure<IncidentOptions>(o => o.CheckEvery = TimeSpan.FromMilliseconds(100));
                services.AddMetrics();
                services.AddSingleton<TimeProvider>(Clock);
                services.AddSingleton<ITwinOutput>(Output);
                services.AddSingleton<ILiveUpdates>(Live);
                services.AddSingleton<IHistoryLog>(History);
                services.AddSingleton<IIncidentReporter>(sp =>
                {
                    Incidents.Inner = new DeskIncidentReporter(sp.GetRequiredService<IGrainFactory>());
                    return Incidents;
                });
                services.AddSingleton<TwinMetrics>();
                services.AddSingleton<ParticipationMetrics>();
                services.AddSingleton<TwinServices>();
                services.Configure<DeviceTwinOptions>(o => o.CoalesceTelemetryFor = TelemetryWindow);
                services.Configure<CommandOptions>(o =>
                {
                    o.Deadline = TimeSpan.FromSeconds(30);
                    o.FirstResendAfter = TimeSpan.FromSeconds(2);
                    o.MaxResendInterval = TimeSpan.FromSeconds(8);
                    o.CheckEvery = TimeSpan.FromMilliseconds(100);
                });
            });
    }
}

/// <summary>The twins' grain storage, counting each grain's reads (one per activation) and writes.</summary>
public sealed class CountingStorage : IGrainStorage
{
    public const string Inner = "twin-memory";

    readonly ConcurrentDictionary<string, int> reads = new();
    readonly ConcurrentDictionary<string, int> writes = new();
    readonly ConcurrentDictionary<string, Task> held = new();
    IGrainStorage inner = null!;

    public CountingStorage Over(IGrainStorage storage)
    {
        inner = storage;
        return this;
    }

    public int Reads(TwinId twin) => reads.GetValueOrDefault(twin.ToString());

    public int Writes(TwinId twin) => writes.GetValueOrDefault(twin.ToString());

    public int Writes(GrainId grain) => writes.GetValueOrDefault(grain.ToString());

    /// <summary>
    /// Holds the grain's writes (each is counted, then waits) until the returned action releases them, so a test can
    /// gather changes behind a write under way however quickly the store would have answered.
    /// </summary>
    public Action HoldWrites(GrainId grain)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!held.TryAdd(grain.ToString(), gate.Task))
            throw new InvalidOperationException($"the writes of {grain} are held already");
        return () =>
        {
            held.TryRemove(grain.ToString(), out _);
            gate.SetResult();
        };
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        reads.AddOrUpdate(grainId.ToString(), 1, (_, n) => n + 1);
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        writes.AddOrUpdate(grainId.ToString(), 1, (_, n) => n + 1);
        return held.TryGetValue(grainId.ToString(), out var gate)
            ? WriteAfter(gate, stateName, grainId, grainState)
            : inner.WriteStateAsync(stateName, grainId, grainState);
    }

    async Task WriteAfter<T>(Task gate, string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await gate;
        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}

public sealed class RecordingOutput : ITwinOutput
{
    public ConcurrentQueue<TwinView> States { get; } = new();
    public ConcurrentQueue<(TwinId Twin, CommandMessage Command)> Commands { get; } = new();

    public void StateChanged(TwinView view) => States.Enqueue(view);

    public void SendCommand(TwinId twin, CommandMessage command) => Commands.Enqueue((twin, command));

    public IReadOnlyList<CommandMessage> CommandsTo(TwinId twin) => Commands.Where(c => c.Twin == twin).Select(c => c.Command).ToList();

    public ConcurrentQueue<IncidentView> Incidents { get; } = new();

    public void IncidentChanged(IncidentView incident) => Incidents.Enqueue(incident);
}

public sealed class RecordingLiveUpdates : ILiveUpdates
{
    public ConcurrentQueue<(string Event, object Data, Audience Audience)> Published { get; } = new();

    public void Publish(string @event, string? building, object data, Audience audience) => Published.Enqueue((@event, data, audience));
}

/// <summary>One party per role (<c>fire-party</c> …), and a grid worker per building (<c>grid-B1</c>).</summary>
public sealed class TestParties : IPartyDirectory
{
    public IReadOnlyList<string> PartiesFor(string role, string? building) =>
        role == "grid" ? [$"grid-{building}"] : [$"{role}-party"];
}

/// <summary>Records every trigger, then hands it to the real incident desk.</summary>
public sealed class RecordingIncidents : IIncidentReporter
{
    public ConcurrentQueue<(TwinId Twin, string? Building, RaiseIncident Incident)> Raised { get; } = new();

    public IIncidentReporter? Inner { get; set; }

    public Task Raise(TwinState twin, RaiseIncident incident)
    {
        Raised.Enqueue((twin.Address, twin.Building, incident));
        return Inner?.Raise(twin, incident) ?? Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "orleans test cluster";
}
