using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Twin.Twins;

namespace Twin.Tests.Twins;

/// <summary>The state every client reads (retained MQTT state, live streams, the API) is written by hand for speed; it must be the serializer's JSON exactly.</summary>
public sealed class TwinViewJsonTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(8));

    /// <summary>What System.Text.Json itself writes with Twin's settings, without the hand-written converters.</summary>
    static readonly JsonSerializerOptions Reference = WithoutHandWritten();

    static JsonSerializerOptions WithoutHandWritten()
    {
        var options = new JsonSerializerOptions(TwinJson.Options);
        foreach (var converter in options.Converters.Where(c => c is TwinViewJsonConverter or FieldsJsonConverter).ToList())
            options.Converters.Remove(converter);
        return options;
    }

    static TwinView Full() => new(
        "household", "H-0101", "sunrise", "B1", ["B1", "B2"],
        Fields.Of(("occupied", true), ("temperatureC", 21.5), ("note", "café ≥ \"quoted\" <b>")),
        new DesiredView(Fields.Of(("mode", "away")),
            [new PendingView("c-1", "set_mode", Fields.Of(("mode", "away")), "resident asked", T0, 2, T0.AddSeconds(30))]),
        "alarm",
        [new Alarm("smoke", TwinStatus.Alarm, "smoke in the kitchen", T0), new Alarm("offline", TwinStatus.Offline, "silent", T0.AddMinutes(-5))],
        T0.AddSeconds(3), 42, 9_007_199_254_740_993UL,
        Fields.Of(("floor", 3.0), ("name", "Flat 101")),
        [new Member("Ana", null, ["wheelchair"]), new Member("Bo", "+86 138 0000 0000", [])],
        new BuildingRollup(ImmutableDictionary<string, ImmutableDictionary<string, int>>.Empty.Add("lamp", ImmutableDictionary<string, int>.Empty.Add("ok", 3)), 10, 7, 1, 0));

    static TwinView Bare() => new(
        "lamp", "L-01", "sunrise", null, [], Fields.Empty, new DesiredView(Fields.Empty, []), "ok", [], T0, 1, null, Fields.Empty, null, null);

    public static TheoryData<string> Views() => ["full", "bare"];

    static TwinView ViewNamed(string name) => name == "full" ? Full() : Bare();

    [Theory]
    [MemberData(nameof(Views))]
    public void A_view_is_written_byte_for_byte_as_the_serializer_writes_it(string name)
    {
        var view = ViewNamed(name);

        var written = Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(view, TwinJson.Options));

        Assert.Equal(JsonSerializer.Serialize(view, Reference), written);
    }

    [Theory]
    [MemberData(nameof(Views))]
    public void A_written_view_reads_back_as_the_same_view(string name)
    {
        var view = ViewNamed(name);
        var json = JsonSerializer.Serialize(view, TwinJson.Options);

        var read = JsonSerializer.Deserialize<TwinView>(json, TwinJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(read, TwinJson.Options));
        Assert.Equal(view.Reported.OrderBy(f => f.Key), read.Reported.OrderBy(f => f.Key));
    }

    [Fact]
    public void Fields_that_are_not_an_object_are_refused_with_a_reason()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ImmutableDictionary<string, FieldValue>>("[1, 2]", TwinJson.Options));
        Assert.Contains("object", error.Message);
    }
}
