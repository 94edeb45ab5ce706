using System.Diagnostics;
using Twin.Tests.Support;

namespace Twin.Tests.Cli;

/// <summary>A fact that runs only where mosquitto is installed (scripts/test.sh installs it, so CI runs it).</summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    public const string Binary = "/usr/sbin/mosquitto";

    public MosquittoFactAttribute()
    {
        if (!File.Exists(Binary))
            Skip = $"{Binary} is not installed (scripts/test.sh installs it: apt-get install mosquitto)";
    }
}

/// <summary>The files <c>twin broker-config</c> writes, loaded by a real mosquitto 2.0.</summary>
public sealed class BrokerConfigMosquittoTests : IDisposable
{
    readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [MosquittoFact]
    public async Task A_real_mosquitto_admits_the_accounts_and_holds_each_device_to_its_own_topics()
    {
        var (topology, secrets) = BrokerConfigTests.TinyCommunity(dir);
        var outDir = dir.File("broker");
        var (exit, _, error) = await TwinProcess.Run("broker-config", "--topology", topology, "--secrets", secrets, "--out", outDir, "--silo-password", "silo pw");
        Assert.True(exit == 0, error);

        var port = FreePort.Next();
        var conf = dir.File("mosquitto.conf");
        // Started as root, mosquitto switches to the user named here before it reads the 0600 files; as anyone else it
        // stays who it is and ignores the line.
        await File.WriteAllTextAsync(conf, $"""
            listener {port} 127.0.0.1
            user {Environment.UserName}
            persistence false
            allow_anonymous false
            password_file {Path.Combine(outDir, "passwd")}
            acl_file {Path.Combine(outDir, "acl")}
            """);
        var log = new List<string>();
        using var mosquitto = new Process { StartInfo = new ProcessStartInfo(MosquittoFactAttribute.Binary, ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true } };
        mosquitto.ErrorDataReceived += (_, e) => { lock (log) log.Add(e.Data ?? ""); };
        mosquitto.OutputDataReceived += (_, e) => { lock (log) log.Add(e.Data ?? ""); };
        Assert.True(mosquitto.Start());
        mosquitto.BeginErrorReadLine();
        mosquitto.BeginOutputReadLine();
        try
        {
            await using var silo = await ConnectWhenUp(mosquitto, port, log);
            await silo.Subscribe("twin/#");

            // A wrong secret, an unknown user and no credentials at all are refused.
            await Assert.ThrowsAnyAsync<Exception>(() => MqttProbe.Connect(port, username: "lamp-L-01", password: "bin-secret-01"));
            await Assert.ThrowsAnyAsync<Exception>(() => MqttProbe.Connect(port, username: "lamp-L-99", password: "s3cret lamp"));
            await Assert.ThrowsAnyAsync<Exception>(() => MqttProbe.Connect(port));

            await using var lamp = await MqttProbe.Connect(port, username: "lamp-L-01", password: "s3cret lamp");
            // Another device's topic: the silo must never see it.
            await PublishRefused(lamp, "twin/bin/BIN-01/telemetry", new { fillPercent = 99 });
            // Nor may it forge its own commands: it only reads those.
            await PublishRefused(lamp, "twin/lamp/L-01/command", new { command = "forged" });
            await lamp.Publish("twin/lamp/L-01/telemetry", new { brightness = 42 });

            var telemetry = await silo.WaitFor("twin/lamp/L-01/telemetry");
            Assert.Equal(42, telemetry.GetProperty("brightness").GetInt32());
            // Messages from one client arrive in order, so anything the broker had let through would be here by now.
            Assert.Empty(silo.Received("twin/bin/BIN-01/telemetry"));
            Assert.Empty(silo.Received("twin/lamp/L-01/command"));

            // The silo may command the lamp, and the lamp reads its own commands.
            await lamp.Subscribe("twin/lamp/L-01/command");
            await silo.Publish("twin/lamp/L-01/command", new { command = "set_brightness", id = "c-1" });
            var command = await lamp.WaitFor("twin/lamp/L-01/command");
            Assert.Equal("c-1", command.GetProperty("id").GetString());

            // The bin's account works too, for its own topics.
            await using var bin = await MqttProbe.Connect(port, username: "bin-BIN-01", password: "bin-secret-01");
            await bin.Publish("twin/bin/BIN-01/telemetry", new { fillPercent = 12 });
            Assert.Equal(12, (await silo.WaitFor("twin/bin/BIN-01/telemetry")).GetProperty("fillPercent").GetInt32());
        }
        finally
        {
            if (!mosquitto.HasExited)
            {
                mosquitto.Kill();
                await mosquitto.WaitForExitAsync();
            }
        }
    }

    static async Task<MqttProbe> ConnectWhenUp(Process mosquitto, int port, List<string> log)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                return await MqttProbe.Connect(port, username: "twin-silo", password: "silo pw");
            }
            catch (Exception) when (!mosquitto.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (Exception e)
            {
                string text;
                lock (log)
                    text = string.Join("\n", log);
                throw new InvalidOperationException($"the silo account could not connect to mosquitto ({e.Message}); its log:\n{text}", e);
            }
        }
    }

    /// <summary>
    /// Publishes where the ACL says no. mosquitto drops the message: silently under MQTT 3.1.1, and under MQTT 5 (which
    /// the probe speaks) with a PUBACK saying "not authorized", which the probe reports as an exception.
    /// </summary>
    static async Task PublishRefused(MqttProbe client, string topic, object payload)
    {
        try
        {
            await client.Publish(topic, payload);
        }
        catch (InvalidOperationException e)
        {
            Assert.Contains("NotAuthorized", e.Message);
        }
    }
}
