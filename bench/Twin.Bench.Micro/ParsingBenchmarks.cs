using BenchmarkDotNet.Attributes;
using Twin.Gates;
using Twin.Households;
using Twin.Lamps;
using Twin.Schema;

namespace Twin.Bench.Micro;

/// <summary>
/// <see cref="MessageParser.Parse"/> as ingestion calls it on every MQTT message: accepted telemetry and events, and the
/// rejections that become dead letters (a value out of range, JSON cut off).
/// </summary>
[MemoryDiagnoser]
public class ParsingBenchmarks
{
    readonly KindSchema lamp = LampRules.Instance.Schema;
    readonly KindSchema gate = GateRules.Instance.Schema;
    readonly KindSchema household = HouseholdRules.Instance.Schema;

    [GlobalSetup]
    public void CheckPayloads()
    {
        var telemetry = LampTelemetry();
        SetupCheck.Require(telemetry.Message is { Fields.Count: 5, Seq: 1042, Timestamp: not null }, $"lamp telemetry is accepted with 5 fields, seq and ts ({telemetry.Rejection})");
        var access = GateAccessEvent();
        SetupCheck.Require(access.Message is { EventType: "access", Fields.Count: 3, Seq: 311, Timestamp: not null }, $"the gate access event is accepted ({access.Rejection})");
        var checkIn = HouseholdCheckInEvent();
        SetupCheck.Require(checkIn.Message is { EventType: "check_in", Fields.Count: 1 }, $"the household check-in is accepted ({checkIn.Rejection})");
        SetupCheck.Require(RejectedOutOfRange().Rejection?.Code == Rejection.OutOfRange, "brightness 150 is rejected as out of range");
        SetupCheck.Require(RejectedMalformedJson().Rejection?.Code == Rejection.MalformedJson, "the cut-off payload is rejected as malformed JSON");
    }

    [Benchmark]
    public ParseResult LampTelemetry() => MessageParser.Parse(lamp, MessageChannel.Telemetry, SamplePayloads.LampTelemetry);

    [Benchmark]
    public ParseResult GateAccessEvent() => MessageParser.Parse(gate, MessageChannel.Event, SamplePayloads.GateAccessDenied);

    [Benchmark]
    public ParseResult HouseholdCheckInEvent() => MessageParser.Parse(household, MessageChannel.Event, SamplePayloads.HouseholdCheckIn);

    [Benchmark]
    public ParseResult RejectedOutOfRange() => MessageParser.Parse(lamp, MessageChannel.Telemetry, SamplePayloads.LampOutOfRange);

    [Benchmark]
    public ParseResult RejectedMalformedJson() => MessageParser.Parse(lamp, MessageChannel.Telemetry, SamplePayloads.LampMalformed);
}
