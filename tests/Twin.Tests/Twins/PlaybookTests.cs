using System.Text.Json;
using Twin.Incidents;

namespace Twin.Tests.Twins;

public sealed class PlaybookTests
{
    static string Docs() => File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "playbooks.md"));

    static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Twin.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Twin.sln not found above the test binaries");
    }

    [Fact]
    public void Every_type_has_a_default_playbook() =>
        Assert.All(IncidentTypes.All, type => Assert.True(Playbooks.Defaults.ContainsKey(type), type));

    [Fact]
    public void The_docs_name_every_default_task_with_its_deadline()
    {
        var docs = Docs();
        foreach (var playbook in Playbooks.Defaults.Values)
            foreach (var task in playbook.Tasks)
                Assert.Contains($"| {task.Title} | {task.AckWithin.TotalSeconds:0} s |", docs);
    }

    [Fact]
    public void An_override_changes_only_what_it_names()
    {
        var overrides = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"fire": {"ackWithinSeconds": 45, "escalateTo": ["district", "admin"]}}""")!;

        var playbooks = Playbooks.WithOverrides(overrides, out var problems);

        Assert.Empty(problems);
        Assert.All(playbooks["fire"].Tasks, t => Assert.Equal(TimeSpan.FromSeconds(45), t.AckWithin));
        Assert.Equal(["district", "admin"], playbooks["fire"].EscalateTo);
        Assert.Equal("evacuation", playbooks["fire"].GatesTo);
        Assert.Equal(Playbooks.Defaults["flood"], playbooks["flood"]);
    }

    [Theory]
    [InlineData("""{"meteor": {}}""", "no incident type 'meteor'")]
    [InlineData("""{"fire": {"ackWithinSeconds": 0}}""", "more than 0")]
    [InlineData("""{"fire": 5}""", "must be an object")]
    public void A_bad_override_is_a_problem_naming_the_type(string json, string problem)
    {
        var overrides = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

        Playbooks.WithOverrides(overrides, out var problems);

        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }
}
