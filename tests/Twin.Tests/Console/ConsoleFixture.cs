using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.Tests.Console;

/// <summary>
/// The silo with the sample community, and Debian's Chromium driven by Playwright (scripts/install-test-deps.sh installs
/// it; TWIN_CHROMIUM points elsewhere). Deadlines are the playbooks' own, so the pages look as a duty officer sees them.
/// </summary>
public class ConsoleFixture : SiloFixture
{
    IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests leave their screenshots; with TWIN_DOCS_SCREENSHOTS set, they are copied there too.</summary>
    public string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    protected override bool ShortIncidentDeadlines => false;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Twin:Commands:Deadline", "00:00:30"),
        new("Twin:Commands:FirstResendAfter", "00:00:05"),
        new("Twin:Commands:MaxResendInterval", "00:00:10"),
    ];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var chromium = Environment.GetEnvironmentVariable("TWIN_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"No Chromium at {chromium}: run scripts/install-test-deps.sh (Debian package chromium) or set TWIN_CHROMIUM.");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            // The machine is offline: without these Chromium keeps trying to reach Google's services.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context (its own session storage) with the console open and signed in.</summary>
    public async Task<IPage> SignedIn(string token)
    {
        var page = await NewPage();
        await page.GotoAsync(BaseUrl + "/");
        await page.FillAsync("#login-token", token);
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator("#who")).ToBeVisibleAsync();
        return page;
    }

    public async Task<IPage> NewPage()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        return page;
    }

    public async Task Screenshot(IPage page, string name)
    {
        var file = Path.Combine(ScreenshotDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
        if (Environment.GetEnvironmentVariable("TWIN_DOCS_SCREENSHOTS") is { Length: > 0 } docs)
            File.Copy(file, Path.Combine(Directory.CreateDirectory(docs).FullName, name), overwrite: true);
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        playwright?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console in Chromium";
}
