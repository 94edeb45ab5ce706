using System.Buffers;
using System.Threading.Channels;

namespace Twin.Cli.Simulation;

/// <summary>
/// Plays devices over one broker connection at a steady total rate: each regular turn goes to the next device, round
/// robin; commands are carried out and acknowledged at once; follow-ups, scenario steps and camera heartbeats go out when
/// due. Every message takes a place in the pace, so the rate holds in total. One loop does all of it, so each device's
/// messages leave in seq order and the device models need no locks.
/// </summary>
public sealed class Simulator : IDisposable
{
    /// <summary>Messages the broker has not acknowledged yet that may be on their way at once.</summary>
    public const int MaxInFlight = 256;

    /// <summary>About one message in this many is a lamp breaking down (it recovers a minute or two later).</summary>
    public const int OneFaultIn = 2000;

    static readonly TimeSpan CatchUpLimit = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan HeartbeatCheckEvery = TimeSpan.FromSeconds(1);
    static readonly TimeSpan GiveUpReconnectingAfter = TimeSpan.FromSeconds(60);
    static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);
    static readonly TimeSpan AlarmAfterSmoke = TimeSpan.FromSeconds(2);
    static readonly TimeSpan CheckInsFrom = TimeSpan.FromSeconds(10), CheckInsOver = TimeSpan.FromSeconds(60);

    readonly SimulationSettings settings;
    readonly IReadOnlyList<DeviceModel> devices;
    readonly Dictionary<string, DeviceModel> byCommandTopic;
    readonly List<CameraModel> cameras;
    readonly List<LampModel> lamps;
    readonly TimeProvider time;
    readonly Random random;
    readonly Channel<(DeviceModel Device, DeviceCommand Command)> commands =
        Channel.CreateUnbounded<(DeviceModel, DeviceCommand)>(new UnboundedChannelOptions { SingleReader = true });
    readonly PriorityQueue<Scheduled, TimeSpan> scheduled = new();
    readonly SemaphoreSlim window = new(MaxInFlight, MaxInFlight);
    readonly CancellationTokenSource abandon = new();
    long started;
    TimeSpan paceFrom;
    long paceSlots;
    int nextDevice;
    bool everyoneCheckedIn;

    public Simulator(SimulationSettings settings, IReadOnlyList<DeviceModel> devices, TimeProvider? time = null, Random? random = null)
    {
        if (devices.Count == 0)
            throw new ArgumentException("nothing to simulate", nameof(devices));
        this.settings = settings;
        this.devices = devices;
        this.time = time ?? TimeProvider.System;
        this.random = random ?? new Random();
        byCommandTopic = devices.ToDictionary(d => d.CommandTopic);
        cameras = [.. devices.OfType<CameraModel>()];
        lamps = [.. devices.OfType<LampModel>()];
        Stats = new SimulationStats(this.time);
        Fire = settings.Scenario == Scenario.Fire ? FirePlan.Choose(devices) : null;

        // The silo drops a message whose seq is not above the last one it applied from that device, and remembers it
        // across runs; seqs that start from the clock keep a second run (or a restarted one) from being dropped.
        FirstSeq = this.time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 + 1;
        foreach (var device in devices)
            device.StartSeqAt(FirstSeq);
    }

    public SimulationStats Stats { get; }

    public IReadOnlyList<DeviceModel> Devices => devices;

    /// <summary>The seq of each device's first message; then one more per message.</summary>
    public long FirstSeq { get; }

    /// <summary>Who plays the fire in the fire scenario.</summary>
    public FirePlan? Fire { get; }

    public IReadOnlyList<string> CommandTopics => [.. devices.Select(d => d.CommandTopic)];

    /// <summary>Makes the models for <paramref name="specs"/>, checking that the scenario has the devices it needs.</summary>
    public static IReadOnlyList<DeviceModel> Models(IReadOnlyList<SimDeviceSpec> specs, Scenario scenario, Random random)
    {
        var models = specs.Select(spec => DeviceModel.Create(spec, random)).ToList();
        if (scenario == Scenario.Fire && FirePlan.Choose(models) is null)
            throw new UsageException(
                $"--scenario fire needs a camera and a household of the first building that camera covers among the simulated devices, " +
                $"and these are {SimTopology.Describe(specs)}; simulate more of the topology (--devices 0 is all of it).");
        return models;
    }

    /// <summary>
    /// Called on the MQTT client's receive loop for a message on a command topic: queues the command for the loop,
    /// which acknowledges it (publishing from here would wait on the loop that delivers the PUBACK).
    /// </summary>
    public void Receive(string topic, ReadOnlySequence<byte> payload)
    {
        if (!byCommandTopic.TryGetValue(topic, out var device))
            return;
        Stats.CommandReceived();
        var command = DeviceCommand.Parse(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
        if (command is null)
        {
            Stats.Error($"a message on {topic} is not a command with an id: it cannot be acknowledged");
            return;
        }
        commands.Writer.TryWrite((device, command));
    }

    /// <summary>Runs until <paramref name="stop"/> (Ctrl+C), <c>--duration</c> or <c>--count</c>; then waits briefly for the last PUBACKs.</summary>
    public async Task<SimulationSummary> Run(ISimulationLink link, string topology, string community, CancellationToken stop)
    {
        started = time.GetTimestamp();
        Stats.Start();
        StaggerHeartbeats();
        ScheduleScenario();
        string stoppedBy;
        SimulationSnapshot counters;
        try
        {
            stoppedBy = await Loop(link, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stoppedBy = "interrupted";
        }
        finally
        {
            counters = Stats.Snapshot();
            await Drain(stop.IsCancellationRequested ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5));
        }
        // The elapsed time is the run's, without the wait for the last PUBACKs.
        var final = Stats.Snapshot() with { Elapsed = counters.Elapsed };
        return new SimulationSummary(settings, topology, community, devices, FirstSeq, final, stoppedBy, Stats.Notes);
    }

    async Task<string> Loop(ISimulationLink link, CancellationToken stop)
    {
        var nextHeartbeatCheck = TimeSpan.Zero;
        Task<bool>? commandArrives = null;
        while (!stop.IsCancellationRequested)
        {
            var now = Elapsed;
            if (settings.Duration is { } duration && now >= duration)
                return "duration";
            if (settings.Count is { } count && Stats.SentCount >= count)
                return "count";
            if (!link.IsConnected)
            {
                await Reconnect(link, stop);
                continue;
            }

            if (commands.Reader.TryRead(out var received))
            {
                await Answer(link, received.Device, received.Command, now, stop);
                continue;
            }

            if (scheduled.TryPeek(out var item, out var due) && due <= now)
            {
                scheduled.Dequeue();
                if (item.Make(Context(now)) is { } message)
                {
                    if (item.Note is { } note)
                        Stats.Note(note);
                    await Send(link, message, now, stop);
                }
                continue;
            }

            if (now >= nextHeartbeatCheck)
            {
                if (cameras.FirstOrDefault(c => now - c.LastSentAt >= CameraModel.HeartbeatEvery) is { } silent)
                {
                    await Send(link, silent.Heartbeat(), now, stop);
                    continue;
                }
                nextHeartbeatCheck = now + HeartbeatCheckEvery;
            }

            var slot = paceFrom + TimeSpan.FromSeconds(paceSlots / settings.Rate);
            if (now - slot > CatchUpLimit)
            {
                // Far behind (a slow broker, a pause): carry on at the rate from now rather than in a burst.
                paceFrom = now;
                paceSlots = 0;
                slot = now;
            }
            if (slot <= now)
            {
                await Send(link, Regular(Context(now), now), now, stop);
                continue;
            }

            var wake = slot;
            if (scheduled.TryPeek(out _, out var nextDue) && nextDue < wake)
                wake = nextDue;
            if (nextHeartbeatCheck < wake)
                wake = nextHeartbeatCheck;
            if (settings.Duration is { } end && end < wake)
                wake = end;
            commandArrives ??= commands.Reader.WaitToReadAsync(stop).AsTask();
            await Task.WhenAny(commandArrives, Task.Delay(wake - now, time, stop));
            if (commandArrives.IsCompleted)
                commandArrives = null;
        }
        return "interrupted";
    }

    /// <summary>The message of the next regular turn; now and then a lamp's fault instead.</summary>
    SimMessage Regular(SimContext context, TimeSpan now)
    {
        if (lamps.Count > 0 && random.Next(OneFaultIn) == 0 && lamps[random.Next(lamps.Count)] is { Faulted: false } lamp)
        {
            var fault = lamp.Fail(context);
            Stats.Note($"{lamp.Address}: fault {(string?)fault.Fields["code"]}");
            scheduled.Enqueue(new Scheduled(_ => lamp.Recover(), $"{lamp.Address}: recovered"),
                now + context.Between(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120)));
            return fault;
        }
        var device = devices[nextDevice];
        nextDevice = (nextDevice + 1) % devices.Count;
        return device.Next(context);
    }

    async Task Answer(ISimulationLink link, DeviceModel device, DeviceCommand command, TimeSpan now, CancellationToken stop)
    {
        var context = Context(now);
        var outcome = device.Apply(command, context);
        await Send(link, device.CommandAck(command.Id, outcome.Ok, outcome.Message), now, stop);
        Stats.CommandAnswered(outcome.Ok);
        if (!outcome.Ok)
            Stats.Note($"{device.Address} refused {command.Name}: {outcome.Message}");
        foreach (var followUp in outcome.FollowUps)
            scheduled.Enqueue(new Scheduled(followUp.Make), now + followUp.After);
    }

    async Task Send(ISimulationLink link, SimMessage message, TimeSpan now, CancellationToken stop)
    {
        await window.WaitAsync(stop);
        var device = message.Device;
        var payload = message.Payload(device.NextSeq(), device.NextTimestamp(time.GetUtcNow().ToUnixTimeMilliseconds()));
        device.LastSentAt = now;
        paceSlots++;
        Stats.Sent(message);
        // Not awaited: the next message goes out while this one waits for its PUBACK (Publish keeps the order).
        _ = Track(link.Publish(message.Topic, payload, abandon.Token));
        if (message.EventType == "check_in")
            NoteEveryoneCheckedIn();
    }

    async Task Track(Task<PublishOutcome> publish)
    {
        try
        {
            var outcome = await publish;
            if (outcome.Ok)
                Stats.Acked();
            else
                Stats.PublishFailed($"the broker refused a message: {outcome.Reason}");
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // Still unacknowledged when the run ended; the summary counts it.
        }
        catch (Exception e)
        {
            Stats.PublishFailed(e.Message);
        }
        finally
        {
            Release();
        }
    }

    void Release()
    {
        try
        {
            window.Release();
        }
        catch (ObjectDisposedException)
        {
            // A PUBACK that came after the simulator was done with.
        }
    }

    public void Dispose()
    {
        abandon.Dispose();
        window.Dispose();
    }

    async Task Reconnect(ISimulationLink link, CancellationToken stop)
    {
        Stats.Disconnected();
        Stats.Note("lost the broker; reconnecting");
        var lostAt = Elapsed;
        var delay = TimeSpan.FromSeconds(1);
        while (!await link.TryReconnect(stop))
        {
            if (Elapsed - lostAt > GiveUpReconnectingAfter)
                throw new BrokerException(
                    $"lost the MQTT broker at {settings.Broker} and could not reconnect within {GiveUpReconnectingAfter.TotalSeconds:0} s.", ExitCodes.Unavailable);
            await Task.Delay(delay, time, stop);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
        }
        Stats.Reconnected();
        Stats.Note($"reconnected to {settings.Broker} after {(Elapsed - lostAt).TotalSeconds:0} s");
        paceFrom = Elapsed;
        paceSlots = 0;
    }

    /// <summary>Gives the broker up to <paramref name="grace"/> to acknowledge what is in flight, then stops waiting.</summary>
    async Task Drain(TimeSpan grace)
    {
        var until = Elapsed + grace;
        while (window.CurrentCount < MaxInFlight && Elapsed < until)
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
        await abandon.CancelAsync();
        var settle = Elapsed + TimeSpan.FromMilliseconds(500);
        while (window.CurrentCount < MaxInFlight && Elapsed < settle)
            await Task.Delay(TimeSpan.FromMilliseconds(10), time);
    }

    /// <summary>Spreads the cameras' first heartbeats over one period, so they do not all fall due at once.</summary>
    void StaggerHeartbeats()
    {
        for (var i = 0; i < cameras.Count; i++)
            cameras[i].LastSentAt = CameraModel.HeartbeatEvery * ((i + 1.0) / cameras.Count) - CameraModel.HeartbeatEvery;
    }

    /// <summary>
    /// The fire: smoke on a camera, a household's smoke alarm, then the building's households check in: those the
    /// incident asks answer its <c>request_check_in</c>; any not asked by then check in on their own.
    /// </summary>
    void ScheduleScenario()
    {
        if (Fire is not { } fire)
            return;
        scheduled.Enqueue(new Scheduled(_ => fire.Camera.Smoke(),
            $"fire: camera {fire.Camera.Id} sees smoke in {fire.Building} (confidence {CameraModel.SmokeConfidence:0.00})"), settings.FireAfter);
        scheduled.Enqueue(new Scheduled(_ => fire.Alarm.SmokeAlarm(),
            $"fire: the smoke alarm of household {fire.Alarm.Id} in {fire.Building} goes off"), settings.FireAfter + AlarmAfterSmoke);
        for (var i = 0; i < fire.Households.Count; i++)
        {
            var household = fire.Households[i];
            scheduled.Enqueue(new Scheduled(_ => household.CheckedIn ? null : household.CheckIn()),
                settings.FireAfter + CheckInsFrom + CheckInsOver * ((double)i / fire.Households.Count));
        }
    }

    void NoteEveryoneCheckedIn()
    {
        if (Fire is not { } fire || everyoneCheckedIn || !fire.Households.All(h => h.CheckedIn || h.Answer is null))
            return;
        everyoneCheckedIn = true;
        var needHelp = fire.Households.Count(h => h.Answer == HouseholdModel.NeedHelp);
        var silent = fire.Households.Count(h => h.Answer is null);
        Stats.Note($"fire: {fire.Households.Count - silent} of {fire.Households.Count} households of {fire.Building} have checked in, {needHelp} asking for help; {silent} never answer");
    }

    TimeSpan Elapsed => time.GetElapsedTime(started);

    SimContext Context(TimeSpan now) => new(settings.Clock.Add(now), now, random, settings.Scenario);

    sealed record Scheduled(Func<SimContext, SimMessage?> Make, string? Note = null);
}

/// <summary>Who plays the fire scenario: a camera, the first building it covers, and the simulated households there.</summary>
public sealed record FirePlan(CameraModel Camera, string Building, HouseholdModel Alarm, IReadOnlyList<HouseholdModel> Households)
{
    /// <summary>
    /// The first camera whose first covered building has simulated households: the silo places a camera's incident in
    /// that building, and a household's in its own, so both triggers land on one incident.
    /// </summary>
    public static FirePlan? Choose(IReadOnlyList<DeviceModel> devices)
    {
        var households = devices.OfType<HouseholdModel>().Where(h => h.Building is not null).ToList();
        foreach (var camera in devices.OfType<CameraModel>())
        {
            if (camera.Building is not { } building)
                continue;
            var inBuilding = households.Where(h => h.Building == building).ToList();
            if (inBuilding.Count > 0)
                return new FirePlan(camera, building, inBuilding[0], inBuilding);
        }
        return null;
    }
}
