using System.Collections.Concurrent;

namespace Twin.Cli.Simulation;

/// <summary>The counters of a run, updated by the publisher loop, the PUBACKs and the command subscription at once.</summary>
public sealed class SimulationStats
{
    const int KeptNotes = 200;

    readonly TimeProvider time;
    readonly ConcurrentQueue<SimulationNote> unseen = new();
    readonly ConcurrentQueue<SimulationNote> kept = new();
    long started;
    long sent, acked, failed, errors, telemetry, events, commandsReceived, commandsAcked, commandsRefused, safe, needHelp, reconnects;
    volatile bool connected = true;
    volatile string? lastError;

    public SimulationStats(TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        started = this.time.GetTimestamp();
    }

    public TimeSpan Elapsed => time.GetElapsedTime(Interlocked.Read(ref started));

    public long SentCount => Interlocked.Read(ref sent);

    public void Start() => Interlocked.Exchange(ref started, time.GetTimestamp());

    public void Sent(SimMessage message)
    {
        Interlocked.Increment(ref sent);
        if (message.Channel == SimChannel.Telemetry)
            Interlocked.Increment(ref telemetry);
        else
            Interlocked.Increment(ref events);
        if (message.EventType == "check_in")
            Interlocked.Increment(ref (string?)message.Fields["status"] == HouseholdModel.NeedHelp ? ref needHelp : ref safe);
    }

    public void Acked() => Interlocked.Increment(ref acked);

    /// <summary>A publish the broker refused or that was lost with the connection: an error, and never acknowledged.</summary>
    public void PublishFailed(string message)
    {
        Interlocked.Increment(ref failed);
        Error(message);
    }

    public void Error(string message)
    {
        Interlocked.Increment(ref errors);
        lastError = message;
    }

    public void CommandReceived() => Interlocked.Increment(ref commandsReceived);

    public void CommandAnswered(bool ok) => Interlocked.Increment(ref ok ? ref commandsAcked : ref commandsRefused);

    public void Disconnected() => connected = false;

    public void Reconnected()
    {
        connected = true;
        Interlocked.Increment(ref reconnects);
    }

    /// <summary>Something worth a line of its own: a scenario step, a fault, a lost broker.</summary>
    public void Note(string text)
    {
        var note = new SimulationNote(Elapsed, text);
        unseen.Enqueue(note);
        kept.Enqueue(note);
        while (kept.Count > KeptNotes && kept.TryDequeue(out _))
        {
        }
    }

    /// <summary>The notes not taken before, oldest first.</summary>
    public IReadOnlyList<SimulationNote> TakeNotes()
    {
        var notes = new List<SimulationNote>();
        while (unseen.TryDequeue(out var note))
            notes.Add(note);
        return notes;
    }

    public IReadOnlyList<SimulationNote> Notes => [.. kept];

    public SimulationSnapshot Snapshot() => new(
        Elapsed, Interlocked.Read(ref sent), Interlocked.Read(ref acked), Interlocked.Read(ref failed), Interlocked.Read(ref errors),
        Interlocked.Read(ref telemetry), Interlocked.Read(ref events),
        Interlocked.Read(ref commandsReceived), Interlocked.Read(ref commandsAcked), Interlocked.Read(ref commandsRefused),
        Interlocked.Read(ref safe), Interlocked.Read(ref needHelp), Interlocked.Read(ref reconnects), connected, lastError);
}

public sealed record SimulationNote(TimeSpan At, string Text);

/// <summary>The counters at one moment. <see cref="Acked"/> counts the broker's PUBACKs; commands are the twins' to the devices.</summary>
public sealed record SimulationSnapshot(
    TimeSpan Elapsed, long Sent, long Acked, long Failed, long Errors, long Telemetry, long Events,
    long CommandsReceived, long CommandsAcked, long CommandsRefused, long CheckInsSafe, long CheckInsNeedHelp,
    long Reconnects, bool Connected, string? LastError);

/// <summary>What a finished run reports: how it was set up, its counters, and why it stopped (count, duration, interrupted).</summary>
public sealed record SimulationSummary(
    SimulationSettings Settings, string Topology, string Community, IReadOnlyList<DeviceModel> Devices, long FirstSeq,
    SimulationSnapshot Counters, string StoppedBy, IReadOnlyList<SimulationNote> Notes)
{
    public double RatePerSecond => Counters.Elapsed.TotalSeconds > 0 ? Counters.Sent / Counters.Elapsed.TotalSeconds : 0;

    /// <summary>Sent but neither acknowledged by the broker nor failed when the run ended.</summary>
    public long Unacked => Math.Max(0, Counters.Sent - Counters.Acked - Counters.Failed);
}
