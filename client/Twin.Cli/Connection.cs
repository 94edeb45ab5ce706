using System.Text.Json;

namespace Twin.Cli;

/// <summary>
/// Where the Twin API is and which bearer token to send. Each setting is taken from the first place that has it:
/// the command line, the environment, the config file, and for the URL a default.
/// </summary>
public sealed record Connection(Uri BaseUrl, string? Token)
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static string DefaultConfigPath(Func<string, string?> environment)
    {
        var configHome = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(configHome, "twin", "config.json");
    }

    public static Connection Resolve(string? urlOption, string? tokenOption, Func<string, string?> environment, string configPath)
    {
        var url = Setting.From("--url", urlOption) ?? Setting.From("TWIN_URL", environment("TWIN_URL"));
        var token = Setting.From("--token", tokenOption)
            ?? Setting.From("TWIN_TOKEN", environment("TWIN_TOKEN"))
            ?? Setting.From("TWIN_ADMIN_TOKEN", environment("TWIN_ADMIN_TOKEN"));

        if (url is null || token is null)
        {
            var file = ReadConfigFile(configPath);
            url ??= Setting.From(configPath, file.Url);
            token ??= Setting.From(configPath, file.Token);
        }

        url ??= new Setting("the default", DefaultUrl);
        return new Connection(ParseBaseUrl(url), token?.Value);
    }

    static Uri ParseBaseUrl(Setting url)
    {
        if (!Uri.TryCreate(url.Value, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            throw new UsageException($"'{url.Value}' (from {url.Source}) is not an http:// or https:// URL.");

        // Routes are resolved relative to the base, so a base with a path prefix (https://host/twin) must end in '/'.
        return parsed.AbsolutePath.EndsWith('/') ? parsed : new Uri(parsed.AbsoluteUri + "/");
    }

    static (string? Url, string? Token) ReadConfigFile(string path)
    {
        if (!File.Exists(path))
            return (null, null);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new UsageException($"{path} must hold a JSON object like {{\"url\": \"http://127.0.0.1:8080\", \"token\": \"...\"}}.");
            return (StringProperty(document.RootElement, "url", path), StringProperty(document.RootElement, "token", path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {e.Message}");
        }
    }

    static string? StringProperty(JsonElement config, string name, string path)
    {
        if (!config.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new UsageException($"\"{name}\" in {path} must be a string.");
    }

    sealed record Setting(string Source, string Value)
    {
        public static Setting? From(string source, string? value) => string.IsNullOrWhiteSpace(value) ? null : new(source, value.Trim());
    }
}
