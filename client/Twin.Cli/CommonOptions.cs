using System.CommandLine;

namespace Twin.Cli;

/// <summary>The options every command takes: where the API is, the token, and <c>--json</c>. They are recursive, so they go anywhere on the line.</summary>
public sealed class CommonOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"Base URL of the Twin API [env TWIN_URL, config file, default {Connection.DefaultUrl}]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token [env TWIN_TOKEN, then TWIN_ADMIN_TOKEN, then the config file ~/.config/twin/config.json]",
        HelpName = "token",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts: the API's as it is, one document per line",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Add(Url);
        root.Add(Token);
        root.Add(Json);
    }
}
