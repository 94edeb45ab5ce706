using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Integration;

/// <summary>The real <c>twin</c> executable, run as a process against the real silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class CliTests(SiloFixture silo)
{
    static readonly string TwinDll = Path.Combine(AppContext.BaseDirectory, "twin.dll");

    Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(TwinDll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["TWIN_URL"] = silo.BaseUrl;
        start.Environment["TWIN_TOKEN"] = SiloFixture.AdminToken;
        start.Environment["XDG_CONFIG_HOME"] = Path.GetTempPath();
        return Process.Start(start)!;
    }

    async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Get_prints_the_twin_and_json_gives_the_api_answer()
    {
        var (exit, output, _) = await Run("get", "lamp", "L-01");
        Assert.Equal(0, exit);
        Assert.Contains("lamp/L-01", output);

        (exit, output, _) = await Run("get", "lamp", "L-01", "--json");
        Assert.Equal(0, exit);
        Assert.Equal("L-01", JsonDocument.Parse(output).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_unknown_twin_is_a_clear_error_with_exit_code_3()
    {
        var (exit, _, error) = await Run("get", "lamp", "L-404");
        Assert.Equal(3, exit);
        Assert.Contains("No lamp 'L-404'", error);
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_an_unreachable_silo_exits_4()
    {
        Assert.Equal(2, (await Run("get", "lamp")).Exit);
        var (exit, _, error) = await Run("get", "lamp", "L-01", "--url", $"http://127.0.0.1:{FreePort.Next()}");
        Assert.Equal(4, exit);
        Assert.Contains("cannot reach", error);
    }

    [Fact]
    public async Task List_filters_by_kind_building_and_status()
    {
        var (exit, output, _) = await Run("list", "--kind", "bin", "--building", "B2", "--json");
        Assert.Equal(0, exit);
        var items = JsonDocument.Parse(output).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("bin", i.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_command_sent_from_the_cli_is_pending_on_the_twin()
    {
        var lamp = await silo.NewTwin("lamp");
        var (exit, output, error) = await Run("command", "lamp", lamp, "set_brightness", "--arg", "brightness=40", "--reason", "from the cli");
        Assert.True(exit == 0, error);
        var twin = await silo.GetTwin("lamp", lamp);
        var pending = twin.GetProperty("desired").GetProperty("pending")[0];
        Assert.Equal(40, pending.GetProperty("args").GetProperty("brightness").GetInt32());
        Assert.Contains(pending.GetProperty("id").GetString()!, output);
    }

    [Fact]
    public async Task Watch_prints_each_change_of_the_building_as_it_happens()
    {
        var bin = await silo.NewTwin("bin", building: "B8");
        var clients = await silo.Metric("twin_stream_clients");
        using var watch = Start("watch", "--building", "B8", "--kind", "bin", "--json");
        try
        {
            // The stream is open once the silo counts one more client; then a change must come out as a line.
            await Eventually.True(async () => await silo.Metric("twin_stream_clients") > clients, "the watch to connect");
            await using var device = await silo.Device();
            await device.Publish($"twin/bin/{bin}/telemetry", new { fillPercent = 44 });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var line = await watch.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("watch ended");
                var change = JsonDocument.Parse(line).RootElement;
                if (change.GetProperty("id").GetString() != bin)
                    continue;
                Assert.Equal(44, change.GetProperty("reported").GetProperty("fillPercent").GetDouble());
                break;
            }
        }
        finally
        {
            watch.Kill();
        }
    }

    [Fact]
    public async Task Work_orders_are_listed_and_stepped_from_the_cli()
    {
        var bin = await silo.NewTwin("bin");
        await using var device = await silo.Device();
        await device.Publish($"twin/bin/{bin}/telemetry", new { fillPercent = 90 });
        var id = await Eventually.Get(async () => (await silo.Http.GetFromJsonAsync<JsonElement>("/api/workorders?status=open")).GetProperty("items")
            .EnumerateArray().FirstOrDefault(w => w.GetProperty("twin").GetString() == $"bin/{bin}").GetPropertyOrNull("id"), id => id is not null, "the work order");

        Assert.Equal(0, (await Run("workorders", "assign", id!, "--to", "cleaner Chen")).Exit);
        Assert.Equal(0, (await Run("workorders", "start", id!)).Exit);
        Assert.Equal(0, (await Run("workorders", "complete", id!, "--note", "emptied")).Exit);
        var (exit, output, _) = await Run("workorders", "--status", "done", "--json");
        Assert.Equal(0, exit);
        Assert.Contains(JsonDocument.Parse(output).RootElement.GetProperty("items").EnumerateArray(), w => w.GetProperty("id").GetString() == id);
    }
}

static class JsonElementExtensions
{
    public static string? GetPropertyOrNull(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.GetString() : null;
}
