using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Twin.Cli.Simulation;
using Twin.Schema;
using Twin.Tests.Support;
using Twin.Twins;

namespace Twin.Tests.Cli;

/// <summary>The value models of <c>twin simulate</c>: realistic, and always what the silo accepts.</summary>
public sealed class SimulateValueModelTests
{
    static SimContext At(int hour, int minute = 0, Random? random = null, Scenario scenario = Scenario.Normal, TimeSpan? elapsed = null) =>
        new(new TimeOnly(hour, minute), elapsed ?? TimeSpan.Zero, random ?? new Random(1), scenario);

    static JsonElement Fields(SimMessage message) => JsonSerializer.SerializeToElement(message.Fields);

    /// <summary>Checks a payload as the silo's ingestion does: the kind's schema from the registry, the message parser.</summary>
    internal static void AssertAccepted(string topic, byte[] payload)
    {
        var parts = topic.Split('/');
        Assert.True(parts is ["twin", _, _, "telemetry" or "event"], $"not a device topic: {topic}");
        var channel = parts[3] == "telemetry" ? MessageChannel.Telemetry : MessageChannel.Event;
        var result = MessageParser.Parse(KindRegistry.Get(parts[1]).Schema, channel, payload);
        Assert.True(result.Accepted, $"the silo would dead-letter {topic} {Encoding.UTF8.GetString(payload)}: {result.Rejection}");
    }

    static void AssertAccepted(SimMessage message) => AssertAccepted(message.Topic, message.Payload(1, 1_700_000_000_000));

    [Fact]
    public void Lux_is_dark_at_two_at_night_and_bright_at_noon()
    {
        Assert.True(DayCurve.Lux(new TimeOnly(2, 0)) < 50);
        Assert.True(DayCurve.Lux(new TimeOnly(12, 0)) > 10_000);

        var night = Fields(new LampModel(new SimDeviceSpec("lamp", "L-T1"), new Random(1)).Next(At(2)));
        Assert.True(night.GetProperty("lux").GetDouble() < 50);
        // Before any command the lamp shows what auto mode would choose: dark, so 30, or 100 with motion.
        Assert.Equal(night.GetProperty("motion").GetBoolean() ? 100 : 30, night.GetProperty("brightness").GetInt32());
        Assert.True(night.GetProperty("on").GetBoolean());

        var noon = Fields(new LampModel(new SimDeviceSpec("lamp", "L-T2"), new Random(2)).Next(At(12)));
        Assert.True(noon.GetProperty("lux").GetDouble() > 10_000);
        Assert.Equal(0, noon.GetProperty("brightness").GetInt32());
        Assert.False(noon.GetProperty("on").GetBoolean());
        Assert.Equal(0, noon.GetProperty("powerW").GetDouble());
    }

    [Fact]
    public void Light_rises_through_dawn_and_falls_through_dusk()
    {
        var morning = Enumerable.Range(0, 8 * 6).Select(i => DayCurve.Lux(new TimeOnly(4, 0).AddMinutes(10 * i))).ToList();
        var evening = Enumerable.Range(0, 8 * 6).Select(i => DayCurve.Lux(new TimeOnly(13, 0).AddMinutes(10 * i))).ToList();
        Assert.Equal(morning.Order(), morning);
        Assert.Equal(evening.OrderDescending(), evening);
        Assert.Contains(morning, lux => lux is > 1 and < 50);
        Assert.Contains(evening, lux => lux is > 50 and < 1000);
    }

    [Fact]
    public void A_lamp_reports_the_brightness_it_was_commanded_and_refuses_what_it_cannot_do()
    {
        var lamp = new LampModel(new SimDeviceSpec("lamp", "L-T3"), new Random(3));
        var context = At(2);
        lamp.Next(context);

        var outcome = lamp.Apply(new DeviceCommand("c-1", "set_brightness", new() { ["brightness"] = 55 }), context);
        Assert.True(outcome.Ok);
        var report = Fields(Assert.Single(outcome.FollowUps).Make(context)!);
        Assert.Equal(55, report.GetProperty("brightness").GetInt32());
        Assert.True(report.GetProperty("on").GetBoolean());
        Assert.Equal(35, report.GetProperty("powerW").GetDouble());
        Assert.Equal(55, Fields(lamp.Next(context)).GetProperty("brightness").GetInt32());

        Assert.False(lamp.Apply(new DeviceCommand("c-2", "set_brightness", new() { ["brightness"] = 150 }), context).Ok);
        var unknown = lamp.Apply(new DeviceCommand("c-3", "self_destruct", []), context);
        Assert.False(unknown.Ok);
        Assert.Contains("self_destruct", unknown.Message);
    }

    [Fact]
    public void A_gate_takes_up_the_mode_the_twin_sets()
    {
        var gate = new GateModel(new SimDeviceSpec("gate", "G-T"));
        var context = At(10);
        var evacuation = gate.Apply(new DeviceCommand("c-1", "set_mode", new() { ["mode"] = "evacuation" }), context);
        var report = Fields(Assert.Single(evacuation.FollowUps).Make(context)!);
        Assert.False(report.GetProperty("locked").GetBoolean());
        Assert.True(report.GetProperty("open").GetBoolean());

        gate.Apply(new DeviceCommand("c-2", "set_mode", new() { ["mode"] = "lockdown" }), context);
        Assert.False(gate.Apply(new DeviceCommand("c-3", "open", []), context).Ok);
        var normal = Fields(gate.Apply(new DeviceCommand("c-4", "set_mode", new() { ["mode"] = "normal" }), context).FollowUps[0].Make(context)!);
        Assert.True(normal.GetProperty("locked").GetBoolean());
        Assert.False(normal.GetProperty("open").GetBoolean());
    }

    [Fact]
    public void A_bin_fills_slowly_and_is_emptied_after_crossing_90_percent()
    {
        var bin = new BinModel(new SimDeviceSpec("bin", "BIN-T", Building: "B1", Category: "kitchen"), new Random(4));
        var random = new Random(5);
        var previous = -1.0;
        var emptied = false;
        for (var minute = 0; minute < 24 * 60 && !emptied; minute++)
        {
            var fields = Fields(bin.Next(At(minute / 60, minute % 60, random, elapsed: TimeSpan.FromMinutes(minute))));
            var fill = fields.GetProperty("fillPercent").GetDouble();
            Assert.Equal("kitchen", fields.GetProperty("category").GetString());
            Assert.InRange(fields.GetProperty("temperatureC").GetDouble(), 10, 30);
            Assert.InRange(fill, 0, 100);
            if (previous >= BinModel.CollectedAbove)
            {
                Assert.True(fill < 10, $"a bin at {previous} % should be collected, then read about 5 %, not {fill} %");
                emptied = true;
            }
            else
            {
                Assert.True(fill >= previous, $"a bin only fills until it is collected: {previous} % then {fill} %");
                // Slowly: at most about 10 % a minute.
                Assert.True(previous < 0 || fill - previous < 11, $"{previous} % then {fill} % a minute later");
            }
            previous = fill;
        }
        Assert.True(emptied, "the bin never filled up and was emptied within a day");
    }

    [Fact]
    public void Every_message_the_models_can_make_passes_the_silos_validation()
    {
        var random = new Random(6);
        var models = Simulator.Models(SimTopology.Load(null).Devices, Scenario.Fire, random);
        foreach (var scenario in Enum.GetValues<Scenario>())
        {
            for (var minute = 0; minute < 24 * 60; minute += 17)
            {
                var context = At(minute / 60, minute % 60, random, scenario, TimeSpan.FromMinutes(minute));
                foreach (var model in models)
                    AssertAccepted(model.Next(context));
            }
        }

        var night = At(23, 30, random);
        foreach (var model in models)
        {
            AssertAccepted(model.CommandAck("c-0123456789ab", ok: true));
            AssertAccepted(model.CommandAck("c-0123456789ab", ok: false, new string('x', 300)));
            switch (model)
            {
                case LampModel lamp:
                    AssertAccepted(lamp.Fail(night));
                    AssertAccepted(lamp.Recover());
                    break;
                case CameraModel camera:
                    AssertAccepted(camera.Smoke());
                    AssertAccepted(camera.Heartbeat());
                    break;
                case HouseholdModel household:
                    AssertAccepted(household.SmokeAlarm());
                    AssertAccepted(household.CheckInAs(HouseholdModel.Safe));
                    AssertAccepted(household.CheckInAs(HouseholdModel.NeedHelp));
                    break;
            }
        }
    }

    [Fact]
    public void The_topology_gives_devices_in_kind_order_and_refuses_more_than_it_has()
    {
        var topology = SimTopology.Load(null);
        Assert.Equal("sunrise", topology.Community);
        Assert.Equal(242, topology.Devices.Count);
        Assert.Equal(new[] { "lamp/L-01", "lamp/L-02" }, topology.Take(2).Select(d => $"{d.Kind}/{d.Id}"));
        Assert.Equal(topology.Devices.Count, topology.Take(0).Count);
        var error = Assert.Throws<Twin.Cli.UsageException>(() => topology.Take(243));
        Assert.Contains("242", error.Message);
    }

    [Theory]
    [InlineData("normal", "12:00")]
    [InlineData("normal", "06:00")]
    [InlineData("night", null)]
    [InlineData("fire", "18:20")]
    public async Task A_run_sends_only_valid_messages_with_rising_seqs_and_answers_every_command(string scenario, string? clock)
    {
        var settings = SimulationSettings.From(null, null, 0, rate: 20_000, durationSeconds: null, count: 3000, scenario, clock, fireAfterSeconds: 0,
            null, null, null, _ => null, new TimeOnly(12, 0));
        var random = new Random(7);
        using var simulator = new Simulator(settings, Simulator.Models(SimTopology.Load(null).Take(0), settings.Scenario, random), random: random);
        // One of each command the twins send to devices, and two no device can carry out.
        var commands = new (string Topic, string Id, string Name, object Args, bool Ok)[]
        {
            ("twin/lamp/L-01/command", "c-1", "set_brightness", new { brightness = 100 }, true),
            ("twin/gate/G-north/command", "c-2", "set_mode", new { mode = "evacuation" }, true),
            ("twin/gate/G-south/command", "c-3", "open", new { }, true),
            ("twin/camera/C-01/command", "c-4", "start_recording", new { }, true),
            ("twin/camera/C-02/command", "c-5", "bookmark", new { label = "fire" }, true),
            ("twin/camera/C-03/command", "c-6", "stop_recording", new { }, true),
            ("twin/household/B1-1-0501/command", "c-7", "request_check_in", new { message = "Fire in B1: are you safe?" }, true),
            ("twin/lamp/L-02/command", "c-8", "self_destruct", new { }, false),
            ("twin/lamp/L-03/command", "c-9", "set_brightness", new { brightness = 150 }, false),
        };
        foreach (var (topic, id, name, args, _) in commands)
            simulator.Receive(topic, new ReadOnlySequence<byte>(JsonSerializer.SerializeToUtf8Bytes(new { command = name, args, reason = "test", id })));
        // Not this simulator's device: ignored.
        simulator.Receive("twin/lamp/L-404/command", new ReadOnlySequence<byte>("""{"command":"set_brightness","args":{"brightness":1},"id":"c-x"}"""u8.ToArray()));

        var link = new RecordingLink();
        var summary = await simulator.Run(link, "the sample community", "sunrise", CancellationToken.None);

        Assert.Equal("count", summary.StoppedBy);
        Assert.Equal(3000, link.Published.Count);
        Assert.Equal(3000, summary.Counters.Acked);
        Assert.Equal(0, summary.Counters.Errors);
        Assert.Equal(commands.Length, summary.Counters.CommandsReceived);
        Assert.Equal(7, summary.Counters.CommandsAcked);
        Assert.Equal(2, summary.Counters.CommandsRefused);

        var lastSeq = new Dictionary<string, (long Seq, long Ts)>();
        var acks = new List<JsonElement>();
        foreach (var (topic, payload) in link.Published)
        {
            AssertAccepted(topic, payload);
            var message = JsonDocument.Parse(payload).RootElement;
            var device = topic[..topic.LastIndexOf('/')];
            var seq = message.GetProperty("seq").GetInt64();
            var ts = message.GetProperty("ts").GetInt64();
            if (lastSeq.TryGetValue(device, out var last))
            {
                Assert.True(seq == last.Seq + 1, $"{device}: seq {seq} after {last.Seq}");
                Assert.True(ts > last.Ts, $"{device}: ts {ts} after {last.Ts}");
            }
            else
                Assert.Equal(simulator.FirstSeq, seq);
            lastSeq[device] = (seq, ts);
            if (message.TryGetProperty("type", out var type) && type.GetString() == "command_ack")
                acks.Add(message);
        }
        foreach (var (_, id, _, _, ok) in commands)
            Assert.Equal(ok, Assert.Single(acks, a => a.GetProperty("commandId").GetString() == id).GetProperty("ok").GetBoolean());
        if (settings.Scenario == Scenario.Fire)
            Assert.Contains(link.Published, m => m.Topic == "twin/camera/C-01/event" && Encoding.UTF8.GetString(m.Payload).Contains("\"smoke\"", StringComparison.Ordinal));
    }

    sealed class RecordingLink : ISimulationLink
    {
        public ConcurrentQueue<(string Topic, byte[] Payload)> Published { get; } = new();

        public bool IsConnected => true;

        public Task<PublishOutcome> Publish(string topic, byte[] payload, CancellationToken cancellationToken)
        {
            Published.Enqueue((topic, payload));
            return Task.FromResult(new PublishOutcome(true));
        }

        public Task<bool> TryReconnect(CancellationToken cancellationToken) => Task.FromResult(true);
    }
}

/// <summary><c>twin simulate</c> refuses what cannot work before it sends anything.</summary>
public sealed class SimulateUsageTests
{
    // The exit codes scripts rely on (client/Twin.Cli/ExitCodes.cs), spelled out: they are the contract.
    const int UsageError = 2;
    const int Unavailable = 4;

    [Fact]
    public async Task An_unknown_scenario_is_a_usage_error_naming_the_scenarios()
    {
        var (exit, _, error) = await TwinProcess.Run("simulate", "--scenario", "volcano");
        Assert.Equal(UsageError, exit);
        Assert.Contains("volcano", error);
        foreach (var scenario in new[] { "normal", "fire", "night" })
            Assert.Contains(scenario, error);
    }

    [Theory]
    [InlineData("--devices", "9999", "242 devices")]
    [InlineData("--rate", "0", "--rate")]
    [InlineData("--clock", "25:00", "HH:mm")]
    [InlineData("--broker", "localhost:http", "host:port")]
    public async Task Options_that_cannot_work_are_usage_errors_that_say_why(string option, string value, string expected)
    {
        var (exit, output, error) = await TwinProcess.Run("simulate", option, value);
        Assert.Equal(UsageError, exit);
        Assert.Contains(expected, error);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task An_unreachable_broker_exits_4_naming_host_and_port()
    {
        var port = FreePort.Next();
        var (exit, output, error) = await TwinProcess.Run("simulate", "--broker", $"127.0.0.1:{port}", "--count", "10");
        Assert.Equal(Unavailable, exit);
        Assert.Contains($"127.0.0.1:{port}", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("", output);
    }
}

/// <summary>A silo of its own: the simulator plays every device of the sample community, and the fire scenario opens an incident.</summary>
[CollectionDefinition(Name)]
public sealed class SimulateCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "twin simulate against its own silo";
}

/// <summary><c>twin simulate</c>: the real executable against the real silo and its embedded broker.</summary>
[Collection(SimulateCollection.Name)]
public sealed class SimulateCliTests(SiloFixture silo)
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    string Broker => $"127.0.0.1:{silo.MqttPort}";

    static JsonElement? Reported(JsonElement twin, string field) =>
        twin.TryGetProperty("reported", out var reported) && reported.TryGetProperty(field, out var value) ? value : null;

    [Fact]
    public async Task A_counted_run_sends_that_many_messages_and_the_twins_report_them()
    {
        await using var operators = await silo.Device();
        await operators.Subscribe("twin/deadletter");

        var (exit, output, error) = await TwinProcess.Run("simulate", "--broker", Broker, "--rate", "50", "--count", "200", "--json");

        Assert.True(exit == 0, error);
        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal("count", summary.GetProperty("stoppedBy").GetString());
        Assert.Equal(200, summary.GetProperty("sent").GetInt64());
        Assert.Equal(200, summary.GetProperty("acked").GetInt64());
        Assert.Equal(0, summary.GetProperty("errors").GetInt64());
        Assert.Equal(242, summary.GetProperty("devices").GetInt32());

        // Lamps come first, then gates, bins and cameras: 200 messages reach all of them.
        await Eventually.True(async () => Reported(await silo.GetTwin("lamp", "L-01"), "lux") is not null, "L-01 to report its light", Patience);
        await Eventually.True(async () => Reported(await silo.GetTwin("bin", "BIN-01"), "fillPercent") is not null, "BIN-01 to report its fill", Patience);
        await Eventually.True(async () => Reported(await silo.GetTwin("camera", "C-10"), "online")?.GetBoolean() == true, "C-10 to report online", Patience);
        Assert.Empty(operators.Received("twin/deadletter"));
    }

    [Fact]
    public async Task A_run_acknowledges_a_command_from_the_api_dead_letters_nothing_and_stops_cleanly_on_sigterm()
    {
        await using var operators = await silo.Device();
        await operators.Subscribe("twin/deadletter");
        var before = MqttProbe.LastSeq(await silo.GetTwin("lamp", "L-01"));
        using var simulate = SimulateProcess.Start("simulate", "--broker", Broker, "--rate", "50", "--clock", "12:00", "--json");

        // The simulator subscribes to the commands before it sends anything: once L-01 is heard from, it is listening.
        await Eventually.True(async () =>
        {
            var lamp = await silo.GetTwin("lamp", "L-01");
            return MqttProbe.LastSeq(lamp) > before && Reported(lamp, "lux")?.GetDouble() >= 50;
        }, "L-01 to report daylight", Patience);

        var response = await silo.Http.PostAsJsonAsync("/api/twins/lamp/L-01/commands",
            new { command = "set_brightness", args = new { brightness = 55 }, reason = "twin simulate test" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        // The twin's history holds the device's answer: a command_ack from the simulator.
        await Eventually.True(async () =>
        {
            var history = await silo.Http.GetFromJsonAsync<JsonElement>("/api/twins/lamp/L-01/history?limit=200");
            return history.GetProperty("items").EnumerateArray().Any(e =>
                e.TryGetProperty("body", out var body) && body.TryGetProperty("type", out var type) && type.GetString() == "command_ack"
                && body.GetProperty("commandId").GetString() == id && body.GetProperty("ok").GetBoolean());
        }, $"the simulator to acknowledge {id}", Patience);
        var twin = await Eventually.Get(() => silo.GetTwin("lamp", "L-01"),
            t => t.GetProperty("desired").GetProperty("pending").EnumerateArray().All(p => p.GetProperty("id").GetString() != id),
            $"{id} to leave the pending list", Patience);
        Assert.DoesNotContain(twin.GetProperty("alarms").EnumerateArray(),
            a => a.GetProperty("code").GetString() == "command_failed" && a.GetProperty("message").GetString()!.Contains(id, StringComparison.Ordinal));

        Assert.False(simulate.HasExited, "the simulator runs until it is stopped");
        var (exit, output, error) = await simulate.Terminate();
        Assert.True(exit == 0, $"exit {exit}: {error}");
        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal("interrupted", summary.GetProperty("stoppedBy").GetString());
        Assert.True(summary.GetProperty("sent").GetInt64() > 0);
        Assert.Equal(0, summary.GetProperty("failed").GetInt64());
        Assert.True(summary.GetProperty("commandsAcked").GetInt64() >= 1);
        Assert.Empty(operators.Received("twin/deadletter"));
    }

    [Fact]
    public async Task The_fire_scenario_opens_a_fire_incident_and_the_households_check_in()
    {
        using var simulate = SimulateProcess.Start("simulate", "--broker", Broker, "--rate", "50", "--scenario", "fire", "--fire-after", "1", "--json");

        var incident = await Eventually.Get(
            () => silo.Http.GetFromJsonAsync<JsonElement>("/api/incidents?status=active"),
            list => list.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("type").GetString() == "fire" && i.GetProperty("building").GetString() == "B1"),
            "a fire incident in B1", Patience);
        var id = incident.GetProperty("items").EnumerateArray()
            .First(i => i.GetProperty("type").GetString() == "fire" && i.GetProperty("building").GetString() == "B1").GetProperty("id").GetString()!;

        var accounted = await Eventually.Get(
            () => silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}"),
            i => i.GetProperty("households").GetProperty("safe").GetInt32() > 0,
            "households of B1 to check in safe", Patience);
        Assert.Equal("active", accounted.GetProperty("status").GetString());

        var (exit, output, error) = await simulate.Terminate();
        Assert.True(exit == 0, $"exit {exit}: {error}");
        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal("fire", summary.GetProperty("scenario").GetString());
        Assert.True(summary.GetProperty("checkIns").GetProperty("safe").GetInt64() > 0);
        Assert.Contains(summary.GetProperty("notes").EnumerateArray(), n => n.GetProperty("text").GetString()!.Contains("sees smoke", StringComparison.Ordinal));

        // Gates back to normal and lamps back to auto for whatever runs next against this silo.
        (await silo.Http.PostAsync($"/api/incidents/{id}/close", null)).EnsureSuccessStatusCode();
    }

    /// <summary>The real <c>twin</c> executable running until a test stops it with SIGTERM, as a supervisor or Ctrl+C would.</summary>
    sealed class SimulateProcess : IDisposable
    {
        readonly Process process;
        readonly Task<string> stdout, stderr;

        SimulateProcess(Process process)
        {
            this.process = process;
            stdout = process.StandardOutput.ReadToEndAsync();
            stderr = process.StandardError.ReadToEndAsync();
        }

        public static SimulateProcess Start(params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "twin.dll"));
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            foreach (var name in new[] { "TWIN_URL", "TWIN_TOKEN", "TWIN_ADMIN_TOKEN", "TWIN_MQTT" })
                start.Environment.Remove(name);
            start.Environment["NO_COLOR"] = "1";
            return new SimulateProcess(Process.Start(start)!);
        }

        public bool HasExited => process.HasExited;

        public async Task<(int Exit, string Out, string Err)> Terminate()
        {
            if (!process.HasExited)
            {
                using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString()]) { UseShellExecute = false })!;
                await kill.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }

        public void Dispose()
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
