using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Twin.Twins;

namespace Twin.Bench.Micro;

/// <summary>
/// What leaves the twin on every commit: the public view serialized for the retained state topic and the stream, and
/// the summary the rollups compare. The lamp waits for a command, so the view carries a pending entry.
/// </summary>
[MemoryDiagnoser]
public class StateOutBenchmarks
{
    TwinState lamp = null!;
    TwinView view = null!;

    [GlobalSetup]
    public void BuildState()
    {
        lamp = SampleTwins.LampAwaitingFullLight();
        view = TwinView.Of(lamp, includePersonalData: false);

        using var json = JsonDocument.Parse(ViewSerialized());
        SetupCheck.Require(json.RootElement.GetProperty("kind").GetString() == "lamp"
            && json.RootElement.GetProperty("reported").EnumerateObject().Count() == 5
            && json.RootElement.GetProperty("desired").GetProperty("pending").GetArrayLength() == 1,
            "the serialized view carries the lamp's five reported fields and its pending command");
        SetupCheck.Require(Summary() is { Kind: "lamp", Position: not null }, "the summary places the lamp on the site plan");
    }

    /// <summary><see cref="TwinView.Of"/> and its UTF-8 JSON, as the grain publishes each change.</summary>
    [Benchmark]
    public byte[] ViewSerialized() => JsonSerializer.SerializeToUtf8Bytes(TwinView.Of(lamp, false), TwinJson.Options);

    [Benchmark]
    public TwinSummary Summary() => view.Summary();
}
