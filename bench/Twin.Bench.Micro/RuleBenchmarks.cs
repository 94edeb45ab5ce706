using BenchmarkDotNet.Attributes;
using Twin.Gates;
using Twin.History;
using Twin.Lamps;
using Twin.Schema;
using Twin.Twins;

namespace Twin.Bench.Micro;

/// <summary>
/// What the twin grain does per device message (<c>DeviceTwinGrain.Apply</c> and <c>Commit</c>), without Orleans:
/// step by step for one lamp telemetry message, the whole path for it, and a gate's rules counting denied accesses.
/// The lamp is dimmed at night and reports motion, so its rules ask for full light: a message that changes the twin.
/// </summary>
[MemoryDiagnoser]
public class RuleBenchmarks
{
    const string CommandId = "c-5b2e8d4f1a90";

    readonly LampRules lampRules = LampRules.Instance;
    readonly GateRules gateRules = GateRules.Instance;

    TwinState lamp = null!, heard = null!, merged = null!, awaitingConfirmation = null!, committed = null!;
    TwinState gateTwoDenials = null!, gateFourDenials = null!;
    DeviceMessage lampTelemetry = null!, gateAccessDenied = null!;
    DateTimeOffset now;

    [GlobalSetup]
    public void BuildStates()
    {
        lampTelemetry = Parse(lampRules.Schema, MessageChannel.Telemetry, SamplePayloads.LampTelemetry);
        gateAccessDenied = Parse(gateRules.Schema, MessageChannel.Event, SamplePayloads.GateAccessDenied);
        now = SampleTwins.T0.AddMilliseconds(40);

        lamp = SampleTwins.DimmedLamp();
        heard = Heard();
        merged = MergeTelemetry() ?? throw new InvalidOperationException("Benchmark setup is wrong: the lamp's telemetry is stale");
        // The lamp's next report shows the full light it was asked for: the report confirms the pending command.
        var waiting = SampleTwins.LampAwaitingFullLight();
        awaitingConfirmation = waiting with { Reported = waiting.Reported.SetItem("brightness", (double)LampRules.Full) };
        committed = Commit(CarryOut(merged, lampRules.OnTelemetry(merged, now)));

        SetupCheck.Require(heard.LastSeq == 1042 && heard.LastMessageAt == now, "Heard stamps the message's seq and arrival time");
        SetupCheck.Require(merged.Reported.GetBool("motion") == true && merged.ReportedAt == SampleTwins.T0, "MergeTelemetry takes the lamp's report");
        SetupCheck.Require(ConfirmedByReport() is IEnumerable<PendingCommand> confirmations && confirmations.Count() == 1, "the lamp's report confirms its one pending set_brightness");
        SetupCheck.Require(!TwinTransitions.ConfirmedByReport(merged).Any(), "the motion message confirms nothing (the lamp has nothing pending)");
        SetupCheck.Require(LampOnTelemetry() is [IssueCommand { Command: "set_brightness" } issue] && issue.Args.GetNumber("brightness") == LampRules.Full,
            "a dimmed lamp that sees motion in the dark asks for full light");
        SetupCheck.Require(TwinChangeBetween() is { CommandsIssued.Count: 1 }, "the history records the issued command");
        var (after, change) = LampTelemetryMessage();
        SetupCheck.Require(after.Pending.Count == 1 && after.Version == lamp.Version + 1 && change is { CommandsIssued.Count: 1 },
            "the whole path issues set_brightness, commits one version and records the change");
        gateTwoDenials = SampleTwins.NorthGate(recentDenials: 2);
        gateFourDenials = SampleTwins.NorthGate(recentDenials: 4);
        SetupCheck.Require(GateDeniedAccessCounted() is [Remember { Memory: GateMemory { Denials.Count: 3 } }], "a third denial is only counted");
        SetupCheck.Require(GateDeniedAccessFifthRaisesAlarm() is [Remember, RaiseAlarm { Code: "access_denied_burst" }], "a fifth denial within 60 s raises the alarm");
    }

    /// <summary>Any message ends an offline alarm; the grain stamps the seq and arrival time in the same step.</summary>
    [Benchmark]
    public TwinState Heard() => TwinTransitions.Heard(lamp) with { LastSeq = lampTelemetry.Seq ?? lamp.LastSeq, LastMessageAt = now };

    /// <summary>What the grain does with every device message: heard, seq and arrival, telemetry merged, a new version, in one copy.</summary>
    [Benchmark]
    public (TwinState, bool) Received() => TwinTransitions.Received(lamp, lampTelemetry, now);

    [Benchmark]
    public TwinState? MergeTelemetry() => TwinTransitions.MergeTelemetry(heard, lampTelemetry.Fields, lampTelemetry.Timestamp ?? now);

    /// <summary>On the lamp's next report, which confirms the one <c>set_brightness</c> it was waiting for.</summary>
    /// <remarks>
    /// Returned as <see cref="object"/>: the result is already a list, but BenchmarkDotNet refuses a declared
    /// <see cref="IEnumerable{T}"/> as possibly deferred, and copying it would measure the copy too.
    /// </remarks>
    [Benchmark]
    public object ConfirmedByReport() => TwinTransitions.ConfirmedByReport(awaitingConfirmation);

    [Benchmark]
    public IReadOnlyList<Effect> LampOnTelemetry() => lampRules.OnTelemetry(merged, now);

    /// <summary>What the history records at commit: here, the issued command.</summary>
    [Benchmark]
    public TwinChange? TwinChangeBetween() => TwinChange.Between(lamp, committed);

    /// <summary>
    /// The whole pure part of <c>Apply</c> + <c>Commit</c> for the lamp message, as the grain does it: received (heard,
    /// merged, a new version), confirmations, the rules, their effects carried out, and the history's change. (No storage, publishing or rollups.)
    /// </summary>
    [Benchmark]
    public (TwinState State, TwinChange? Change) LampTelemetryMessage()
    {
        var (state, merged) = TwinTransitions.Received(lamp, lampTelemetry, now);
        if (!merged)
            return (state, null);
        foreach (var confirmed in TwinTransitions.ConfirmedByReport(state))
            state = state with { Pending = state.Pending.Remove(confirmed) };
        state = CarryOut(state, lampRules.OnTelemetry(state, now));
        return (state, TwinChange.Between(lamp, state));
    }

    /// <summary>A refused card at a gate with two recent denials: the rules only count it.</summary>
    [Benchmark]
    public IReadOnlyList<Effect> GateDeniedAccessCounted() => gateRules.OnEvent(gateTwoDenials, gateAccessDenied, now);

    /// <summary>A refused card at a gate with four denials in the last 40 s: the fifth raises <c>access_denied_burst</c>.</summary>
    [Benchmark]
    public IReadOnlyList<Effect> GateDeniedAccessFifthRaisesAlarm() => gateRules.OnEvent(gateFourDenials, gateAccessDenied, now);

    TwinState CarryOut(TwinState state, IReadOnlyList<Effect> effects)
    {
        foreach (var effect in effects)
            state = TwinTransitions.Apply(state, effect, now, CommandTiming.Default, static () => CommandId, "device");
        return state;
    }

    TwinState Commit(TwinState state) => state with { Version = state.Version + 1, UpdatedAt = now };

    static DeviceMessage Parse(KindSchema schema, MessageChannel channel, byte[] payload) =>
        MessageParser.Parse(schema, channel, payload) is { Message: { } message } ? message
            : throw new InvalidOperationException("Benchmark setup is wrong: a sample payload is rejected");
}
