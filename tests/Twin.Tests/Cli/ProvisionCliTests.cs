using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Tests.Cli;

/// <summary><c>twin provision &lt;file&gt;</c>: the real executable against the real silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class ProvisionCliTests(SiloFixture silo) : IDisposable
{
    const int UsageError = 2;
    const int Refused = 3;

    readonly TempDir directory = new();

    public void Dispose() => directory.Dispose();

    Task<(int Exit, string Out, string Err)> RunTwin(params string[] args) =>
        TwinProcess.Run(new Dictionary<string, string?> { ["TWIN_URL"] = silo.BaseUrl, ["TWIN_TOKEN"] = SiloFixture.AdminToken }, args);

    string WriteFile(string name, string content)
    {
        var path = directory.File(name);
        File.WriteAllText(path, content);
        return path;
    }

    static string NewLampId() => $"L-cli-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task A_file_adding_a_lamp_provisions_it_and_get_shows_the_new_twin()
    {
        var lamp = NewLampId();
        var file = WriteFile("lamp.json", $$"""
            // comments and trailing commas are fine, as in community.json
            { "lamps": [ { "id": "{{lamp}}", "position": { "x": 12, "y": 34 }, "covers": ["B1"], }, ] }
            """);

        var (exit, output, error) = await RunTwin("provision", file);
        Assert.True(exit == 0, error);
        Assert.Contains("1 added", output);
        Assert.Contains($"lamp/{lamp}", output);
        Assert.Equal("", error);

        (exit, output, error) = await RunTwin("get", "lamp", lamp);
        Assert.True(exit == 0, error);
        Assert.Contains($"lamp/{lamp}", output);
        Assert.Contains("covers B1", output);

        // The same file again changes nothing, and says so; --json is the API's report.
        (exit, output, error) = await RunTwin("provision", file, "--json");
        Assert.True(exit == 0, error);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal("sunrise", report.GetProperty("community").GetString());
        Assert.Equal(0, report.GetProperty("added").GetArrayLength());
        Assert.Equal(1, report.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task A_missing_file_or_one_that_is_not_a_json_object_is_a_usage_error()
    {
        var missing = directory.File("no-such.json");
        var (exit, output, error) = await RunTwin("provision", missing);
        Assert.Equal(UsageError, exit);
        Assert.Contains($"error: {missing} does not exist; give the topology file to provision", error);
        Assert.Equal("", output);

        var broken = WriteFile("broken.json", "{ \"lamps\": [ { \"id\": \"L-x\" ");
        (exit, _, error) = await RunTwin("provision", broken);
        Assert.Equal(UsageError, exit);
        Assert.Contains($"error: {broken} is not valid JSON (line 1", error);

        var array = WriteFile("array.json", "[{ \"id\": \"L-x\" }]");
        (exit, _, error) = await RunTwin("provision", array);
        Assert.Equal(UsageError, exit);
        Assert.Contains($"error: {array} holds a JSON array, not an object shaped like community.json", error);

        var empty = WriteFile("empty.json", "  \n");
        (exit, _, error) = await RunTwin("provision", empty);
        Assert.Equal(UsageError, exit);
        Assert.Contains($"error: {empty} is empty", error);

        var nothing = WriteFile("nothing.json", "{ \"lamp\": [] }");
        (exit, _, error) = await RunTwin("provision", nothing);
        Assert.Equal(UsageError, exit);
        Assert.Contains("has none of the sections of a topology document", error);
    }

    [Fact]
    public async Task Problems_the_silo_finds_exit_3_with_its_detail_and_provision_nothing()
    {
        var good = NewLampId();
        var file = WriteFile("bad-id.json", $$"""{ "lamps": [ { "id": "{{good}}", "covers": ["B1"] }, { "id": "not an id!", "covers": ["B1"] } ] }""");
        var (exit, output, error) = await RunTwin("provision", file);
        Assert.Equal(Refused, exit);
        Assert.Contains("error: Nothing was provisioned. Problems:", error);
        Assert.Contains("not an id!", error);
        Assert.Contains("(HTTP 400)", error);
        Assert.Equal("", output);
        Assert.Equal(3, (await RunTwin("get", "lamp", good)).Exit);

        // Only admin provisions.
        var lamp = WriteFile("lamp.json", $$"""{ "lamps": [ { "id": "{{NewLampId()}}", "covers": ["B1"] } ] }""");
        (exit, _, error) = await RunTwin("provision", lamp, "--token", "demo-fire");
        Assert.Equal(Refused, exit);
        Assert.Contains("(HTTP 403)", error);
    }

    [Fact]
    public async Task A_section_the_silo_would_ignore_is_warned_about()
    {
        var lamp = NewLampId();
        var file = WriteFile("typo.json", $$"""{ "lamps": [ { "id": "{{lamp}}", "covers": ["B1"] } ], "lamp": [ { "id": "L-typo" } ] }""");
        var (exit, output, error) = await RunTwin("provision", file);
        Assert.True(exit == 0, error);
        Assert.Contains($"lamp/{lamp}", output);
        Assert.Contains("warning: the silo ignores \"lamp\"", error);
    }
}
