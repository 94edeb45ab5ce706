using System.Text;
using Twin.Schema;
using Twin.Twins;

namespace Twin.Tests.Schema;

public sealed class MessageParserTests
{
    static ParseResult Telemetry(string kind, string json) =>
        MessageParser.Parse(KindRegistry.Get(kind).Schema, MessageChannel.Telemetry, Encoding.UTF8.GetBytes(json));

    static ParseResult Event(string kind, string json) =>
        MessageParser.Parse(KindRegistry.Get(kind).Schema, MessageChannel.Event, Encoding.UTF8.GetBytes(json));

    static Rejection Rejected(ParseResult result, string code)
    {
        Assert.False(result.Accepted, $"expected {code}, but the message was accepted");
        Assert.Null(result.Message);
        var rejection = Assert.IsType<Rejection>(result.Rejection);
        Assert.Equal(code, rejection.Code);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Reason));
        return rejection;
    }

    static DeviceMessage Accepted(ParseResult result)
    {
        Assert.True(result.Accepted, $"rejected: {result.Rejection}");
        Assert.Null(result.Rejection);
        return result.Message!;
    }

    // ---- accepted messages

    [Fact]
    public void Valid_lamp_telemetry_with_seq_and_an_iso_timestamp_is_accepted()
    {
        var message = Accepted(Telemetry("lamp",
            """{"seq": 17, "ts": "2025-06-01T20:00:00+08:00", "on": true, "brightness": 30, "lux": 12.5, "motion": false, "powerW": 18.2}"""));

        Assert.Equal(MessageChannel.Telemetry, message.Channel);
        Assert.Equal(17UL, message.Seq);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero), message.Timestamp);
        Assert.True(message.Fields.GetBool("on"));
        Assert.Equal(30, message.Fields.GetNumber("brightness"));
        Assert.Equal(12.5, message.Fields.GetNumber("lux"));
        Assert.False(message.Fields.GetBool("motion"));
        Assert.Equal(18.2, message.Fields.GetNumber("powerW"));
    }

    [Fact]
    public void A_timestamp_in_unix_milliseconds_is_accepted()
    {
        var message = Accepted(Telemetry("lamp", """{"ts": 1748808000123, "lux": 3}"""));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1748808000123), message.Timestamp);
        Assert.Null(message.Seq);
    }

    [Fact]
    public void Seq_and_ts_are_optional()
    {
        var message = Accepted(Telemetry("gate", """{"locked": true}"""));

        Assert.Null(message.Seq);
        Assert.Null(message.Timestamp);
    }

    [Fact]
    public void The_largest_seq_the_history_can_store_is_accepted() =>
        Assert.Equal((ulong)long.MaxValue, Accepted(Telemetry("lamp", """{"seq": 9223372036854775807, "lux": 3}""")).Seq);

    [Fact]
    public void A_seq_beyond_a_bigint_is_rejected_with_the_range() =>
        Assert.Contains("from 0 to 9223372036854775807", Rejected(Telemetry("lamp", """{"seq": 9223372036854775808, "lux": 3}"""), Rejection.WrongType).Reason);

    [Fact]
    public void Unknown_extra_fields_are_ignored()
    {
        var message = Accepted(Telemetry("bin", """{"fillPercent": 42, "firmware": "1.2.3", "battery": {"volts": 3.1}, "tags": [1, 2]}"""));

        Assert.Equal(["fillPercent"], message.Fields.Keys);
    }

    [Fact]
    public void A_whole_brightness_written_as_a_decimal_is_accepted() =>
        Assert.Equal(100, Accepted(Telemetry("lamp", """{"brightness": 100.0}""")).Fields.GetNumber("brightness"));

    [Fact]
    public void Null_counts_as_absent()
    {
        var message = Accepted(Telemetry("lamp", """{"lux": 7, "motion": null, "seq": null, "ts": null}"""));

        Assert.Equal(["lux"], message.Fields.Keys);
        Assert.Null(message.Seq);
    }

    [Fact]
    public void Whitespace_after_the_object_is_fine() =>
        Accepted(Telemetry("lamp", "{\"lux\": 7}\r\n  \n"));

    [Fact]
    public void A_valid_event_carries_its_type_and_fields()
    {
        var message = Accepted(Event("gate", """{"type": "access", "credential": "face", "subject": "resident-7", "granted": false, "seq": 3}"""));

        Assert.Equal(MessageChannel.Event, message.Channel);
        Assert.Equal("access", message.EventType);
        Assert.Equal("face", message.Fields.GetText("credential"));
        Assert.Equal("resident-7", message.Fields.GetText("subject"));
        Assert.False(message.Fields.GetBool("granted"));
        Assert.Equal(3UL, message.Seq);
    }

    [Fact]
    public void An_event_without_fields_is_accepted() =>
        Assert.Equal("smoke_alarm", Accepted(Event("household", """{"type": "smoke_alarm"}""")).EventType);

    [Theory]
    [InlineData("building")]
    [InlineData("gate")]
    [InlineData("lamp")]
    [InlineData("bin")]
    [InlineData("camera")]
    [InlineData("household")]
    public void Every_kind_accepts_a_command_ack(string kind)
    {
        var message = Accepted(Event(kind, """{"type": "command_ack", "commandId": "cmd-7f3a", "ok": true}"""));

        Assert.Equal("command_ack", message.EventType);
        Assert.Equal("cmd-7f3a", message.Fields.GetText("commandId"));
        Assert.True(message.Fields.GetBool("ok"));
    }

    [Fact]
    public void Every_physical_kind_is_registered_with_its_schema()
    {
        foreach (var kind in KindRegistry.All.Select(k => k.Kind))
            Assert.Equal(kind, KindRegistry.Get(kind).Schema.Kind);
        Assert.Null(KindRegistry.Find("elevator"));
    }

    [Fact]
    public void A_failed_command_ack_is_accepted_with_its_message()
    {
        var message = Accepted(Event("lamp", """{"type": "command_ack", "commandId": "cmd-1", "ok": false, "message": "driver busy"}"""));

        Assert.False(message.Fields.GetBool("ok"));
        Assert.Equal("driver busy", message.Fields.GetText("message"));
    }

    // ---- payload shape

    [Theory]
    [InlineData("{\"lux\": ")]
    [InlineData("{lux: 3}")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"lux\": 3,}")]
    [InlineData("{\"lux\": 3} {\"lux\": 4}")]
    [InlineData("{\"lux\": 3} trailing")]
    public void Malformed_json_is_rejected(string payload) =>
        Rejected(Telemetry("lamp", payload), Rejection.MalformedJson);

    [Fact]
    public void Json_nested_deeper_than_16_levels_is_rejected_as_malformed()
    {
        var deep = "{\"lux\": 3, \"x\": " + string.Concat(Enumerable.Repeat("[", 20)) + string.Concat(Enumerable.Repeat("]", 20)) + "}";

        Rejected(Telemetry("lamp", deep), Rejection.MalformedJson);
    }

    [Theory]
    [InlineData("[{\"lux\": 3}]", "an array")]
    [InlineData("42", "a number")]
    [InlineData("\"lux\"", "a string")]
    [InlineData("null", "null")]
    [InlineData("true", "a boolean")]
    public void A_payload_that_is_not_an_object_is_rejected(string payload, string what)
    {
        var rejection = Rejected(Telemetry("lamp", payload), Rejection.NotAnObject);

        Assert.Contains(what, rejection.Reason);
    }

    [Fact]
    public void A_payload_of_65537_bytes_is_too_large()
    {
        var payload = Padded(65537);

        var rejection = Rejected(MessageParser.Parse(LampSchema, MessageChannel.Telemetry, payload), Rejection.TooLarge);

        Assert.Contains("65537", rejection.Reason);
    }

    [Fact]
    public void A_payload_of_exactly_64_KiB_is_accepted() =>
        Accepted(MessageParser.Parse(LampSchema, MessageChannel.Telemetry, Padded(65536)));

    static KindSchema LampSchema => KindRegistry.Get("lamp").Schema;

    /// <summary>A valid lamp telemetry object of exactly <paramref name="bytes"/> bytes.</summary>
    static byte[] Padded(int bytes)
    {
        const string head = "{\"lux\": 5, \"pad\": \"", tail = "\"}";
        var payload = Encoding.UTF8.GetBytes(head + new string('x', bytes - head.Length - tail.Length) + tail);
        Assert.Equal(bytes, payload.Length);
        return payload;
    }

    // ---- types and ranges

    [Fact]
    public void A_string_where_a_number_belongs_is_the_wrong_type()
    {
        var rejection = Rejected(Telemetry("lamp", """{"lux": "12"}"""), Rejection.WrongType);

        Assert.Contains("\"lux\"", rejection.Reason);
        Assert.Contains("a string", rejection.Reason);
    }

    [Theory]
    [InlineData("lamp", """{"on": "true"}""", "on")]
    [InlineData("lamp", """{"on": 1}""", "on")]
    [InlineData("gate", """{"locked": "yes"}""", "locked")]
    [InlineData("bin", """{"category": 3}""", "category")]
    [InlineData("lamp", """{"lux": 1e400}""", "lux")]
    [InlineData("household", """{"occupied": [true]}""", "occupied")]
    public void A_value_of_the_wrong_type_is_rejected_naming_the_field(string kind, string payload, string field) =>
        Assert.Contains($"\"{field}\"", Rejected(Telemetry(kind, payload), Rejection.WrongType).Reason);

    [Theory]
    [InlineData(50.5)]
    [InlineData(0.1)]
    public void A_non_integer_brightness_is_the_wrong_type(double brightness)
    {
        var json = FormattableString.Invariant($$"""{"brightness": {{brightness}}}""");

        var rejection = Rejected(Telemetry("lamp", json), Rejection.WrongType);

        Assert.Contains("\"brightness\"", rejection.Reason);
        Assert.Contains("whole number", rejection.Reason);
    }

    [Theory]
    [InlineData("lamp", """{"brightness": 101}""", "brightness")]
    [InlineData("lamp", """{"brightness": -1}""", "brightness")]
    [InlineData("lamp", """{"lux": -0.1}""", "lux")]
    [InlineData("lamp", """{"powerW": -5}""", "powerW")]
    [InlineData("bin", """{"fillPercent": -1}""", "fillPercent")]
    [InlineData("bin", """{"fillPercent": 100.5}""", "fillPercent")]
    [InlineData("bin", """{"category": "glass"}""", "category")]
    public void Telemetry_out_of_range_is_rejected_naming_the_field(string kind, string payload, string field) =>
        Assert.Contains($"\"{field}\"", Rejected(Telemetry(kind, payload), Rejection.OutOfRange).Reason);

    [Fact]
    public void A_brightness_of_101_is_out_of_range_and_the_reason_gives_the_range()
    {
        var rejection = Rejected(Telemetry("lamp", """{"brightness": 101}"""), Rejection.OutOfRange);

        Assert.Contains("0 to 100", rejection.Reason);
        Assert.Contains("101", rejection.Reason);
    }

    [Fact]
    public void One_bad_field_rejects_the_whole_message() =>
        Rejected(Telemetry("lamp", """{"lux": 20, "motion": true, "brightness": 101}"""), Rejection.OutOfRange);

    [Theory]
    [InlineData("""{"type": "detection", "class": "smoke", "confidence": 1.5}""", "confidence")]
    [InlineData("""{"type": "detection", "class": "smoke", "confidence": -0.1}""", "confidence")]
    [InlineData("""{"type": "detection", "class": "dog", "confidence": 0.9}""", "class")]
    public void An_event_field_out_of_range_is_rejected_naming_the_field(string payload, string field)
    {
        var rejection = Rejected(Event("camera", payload), Rejection.OutOfRange);

        Assert.Contains($"\"{field}\"", rejection.Reason);
        Assert.Contains("detection", rejection.Reason);
    }

    [Fact]
    public void An_unknown_credential_is_out_of_range_and_the_reason_lists_the_allowed_ones()
    {
        var rejection = Rejected(Event("gate", """{"type": "access", "credential": "password", "granted": false}"""), Rejection.OutOfRange);

        Assert.Contains("\"credential\"", rejection.Reason);
        Assert.Contains("card, face, app, fingerprint, qr", rejection.Reason);
    }

    [Fact]
    public void A_text_longer_than_allowed_is_out_of_range()
    {
        var code = new string('E', 65);

        var rejection = Rejected(Event("lamp", $$"""{"type": "fault", "code": "{{code}}"}"""), Rejection.OutOfRange);

        Assert.Contains("\"code\"", rejection.Reason);
        Assert.Contains("64", rejection.Reason);
    }

    // ---- seq and ts

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"7\"")]
    [InlineData("18446744073709551616")]
    [InlineData("true")]
    public void A_seq_that_is_not_an_unsigned_whole_number_is_the_wrong_type(string seq)
    {
        var rejection = Rejected(Telemetry("lamp", $$"""{"seq": {{seq}}, "lux": 3}"""), Rejection.WrongType);

        Assert.Contains("seq", rejection.Reason);
    }

    [Fact]
    public void A_bad_seq_on_an_event_is_rejected_too() =>
        Rejected(Event("lamp", """{"type": "recovered", "seq": -4}"""), Rejection.WrongType);

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("-1")]
    [InlineData("1748808000000.5")]
    [InlineData("true")]
    public void A_timestamp_that_is_neither_iso_nor_unix_milliseconds_is_the_wrong_type(string ts)
    {
        var rejection = Rejected(Telemetry("lamp", $$"""{"ts": {{ts}}, "lux": 3}"""), Rejection.WrongType);

        Assert.Contains("ts", rejection.Reason);
    }

    // ---- events

    [Fact]
    public void An_unknown_event_type_is_rejected_listing_the_known_types()
    {
        var rejection = Rejected(Event("lamp", """{"type": "explode"}"""), Rejection.UnknownEvent);

        Assert.Contains("explode", rejection.Reason);
        Assert.Contains("fault", rejection.Reason);
        Assert.Contains("recovered", rejection.Reason);
        Assert.Contains("command_ack", rejection.Reason);
    }

    [Fact]
    public void An_unknown_household_event_lists_every_household_event()
    {
        var rejection = Rejected(Event("household", """{"type": "fire"}"""), Rejection.UnknownEvent);

        foreach (var known in new[] { "smoke_alarm", "gas_alarm", "water_leak", "panic_button", "health_alert", "check_in" })
            Assert.Contains(known, rejection.Reason);
    }

    [Fact]
    public void Another_kinds_event_is_unknown() =>
        Rejected(Event("bin", """{"type": "fault", "code": "E1"}"""), Rejection.UnknownEvent);

    [Fact]
    public void An_event_without_a_type_is_missing_a_field() =>
        Assert.Contains("type", Rejected(Event("lamp", """{"code": "E1"}"""), Rejection.MissingField).Reason);

    [Fact]
    public void An_event_type_that_is_not_a_string_is_the_wrong_type() =>
        Rejected(Event("lamp", """{"type": 5}"""), Rejection.WrongType);

    [Theory]
    [InlineData("lamp", """{"type": "fault"}""", "code")]
    [InlineData("lamp", """{"type": "fault", "code": null}""", "code")]
    [InlineData("gate", """{"type": "access", "credential": "card"}""", "granted")]
    [InlineData("gate", """{"type": "held_open"}""", "seconds")]
    [InlineData("camera", """{"type": "detection", "class": "fire"}""", "confidence")]
    [InlineData("bin", """{"type": "missorted", "expected": "kitchen"}""", "detected")]
    [InlineData("household", """{"type": "check_in"}""", "status")]
    [InlineData("household", """{"type": "health_alert", "value": 180}""", "kind")]
    [InlineData("lamp", """{"type": "command_ack", "ok": true}""", "commandId")]
    public void An_event_missing_a_required_field_is_rejected_naming_it(string kind, string payload, string field)
    {
        var rejection = Rejected(Event(kind, payload), Rejection.MissingField);

        Assert.Contains($"\"{field}\"", rejection.Reason);
    }

    [Fact]
    public void A_check_in_status_other_than_safe_or_need_help_is_out_of_range() =>
        Rejected(Event("household", """{"type": "check_in", "status": "fine"}"""), Rejection.OutOfRange);

    // ---- telemetry without known fields

    [Fact]
    public void Empty_telemetry_carries_no_known_fields()
    {
        var rejection = Rejected(Telemetry("lamp", "{}"), Rejection.NoKnownFields);

        Assert.Contains("lux", rejection.Reason);
        Assert.Contains("brightness", rejection.Reason);
    }

    [Fact]
    public void Telemetry_with_only_unknown_fields_carries_no_known_fields() =>
        Rejected(Telemetry("gate", """{"seq": 4, "temperature": 21}"""), Rejection.NoKnownFields);

    [Fact]
    public void An_event_sent_to_the_telemetry_topic_carries_no_known_fields() =>
        Rejected(Telemetry("lamp", """{"type": "fault", "code": "E1"}"""), Rejection.NoKnownFields);

    [Theory]
    [InlineData("""{"zone": "1"}""")]
    [InlineData("{}")]
    public void Building_telemetry_carries_no_known_fields_and_points_to_events(string payload) =>
        Assert.Contains("event", Rejected(Telemetry("building", payload), Rejection.NoKnownFields).Reason);

    // ---- text a device could send that .NET cannot turn into a string

    [Theory]
    [InlineData("lamp", "event", """{"type": "\ud800"}""")]
    [InlineData("lamp", "event", """{"type": "fault", "code": "\ud800"}""")]
    [InlineData("gate", "event", """{"type": "access", "credential": "\udc00", "granted": false}""")]
    [InlineData("lamp", "telemetry", """{"\ud800": 1, "lux": 5}""")]
    public void A_lone_surrogate_escape_is_rejected_not_thrown(string kind, string channel, string payload)
    {
        var result = MessageParser.Parse(KindRegistry.Get(kind).Schema, channel == "event" ? MessageChannel.Event : MessageChannel.Telemetry, Encoding.UTF8.GetBytes(payload));

        Assert.False(result.Accepted);
        Assert.Equal(Rejection.MalformedJson, result.Rejection?.Code);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_rejected_not_thrown()
    {
        static byte[] Payload(string before, string after) => [.. Encoding.UTF8.GetBytes(before), 0xff, 0xfe, .. Encoding.UTF8.GetBytes(after)];

        var type = MessageParser.Parse(LampSchema, MessageChannel.Event, Payload("{\"type\": \"", "\"}"));
        var code = MessageParser.Parse(LampSchema, MessageChannel.Event, Payload("{\"type\": \"fault\", \"code\": \"", "\"}"));
        var ts = MessageParser.Parse(LampSchema, MessageChannel.Telemetry, Payload("{\"lux\": 5, \"ts\": \"", "\"}"));

        Assert.All([type, code, ts], r => Assert.Equal(Rejection.MalformedJson, r.Rejection?.Code));
    }
}
