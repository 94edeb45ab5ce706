using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Twin.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Twin.Tests.Console;

/// <summary>Residents' participation in the console, in Chromium against the real silo: feedback, ratings, polls, and who sees which view.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ParticipationBrowserTests(ConsoleFixture silo)
{
    [Fact]
    public async Task A_residents_lamp_report_becomes_a_work_order_the_resident_follows_live_to_done_and_rates_and_the_committee_charts_the_rating()
    {
        var text = $"The lamp by the entrance flickers all night ({Guid.NewGuid():N})";
        var resident = await silo.SignedIn("demo-home-B1-1-0702");
        await Expect(resident.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        await resident.ClickAsync("[data-tab='feedback']");
        await resident.SelectOptionAsync("#feedback-category", "repair");
        await resident.FillAsync("#feedback-twin", "lamp/L-07");
        await resident.FillAsync("#feedback-text", text);
        await resident.ClickAsync("#feedback-submit");
        var filed = resident.Locator("#feedback [data-feedback]", new PageLocatorOptions { HasText = text });
        await Expect(filed).ToHaveAttributeAsync("data-status", "open");
        var id = await filed.GetAttributeAsync("data-feedback");
        var mine = resident.Locator($"#feedback [data-feedback='{id}']");
        await Expect(mine).ToContainTextAsync("about lamp/L-07");

        var property = await silo.SignedIn("demo-property");
        await property.ClickAsync("[data-tab='feedback']");
        var backlog = property.Locator($"#feedback [data-section='waiting'] [data-feedback='{id}']");
        await Expect(backlog).ToContainTextAsync("household B1-1-0702");
        await silo.Screenshot(property, "console-feedback-backlog.png");
        await backlog.Locator("[data-action='workorder']").ClickAsync();
        var inWork = property.Locator($"#feedback [data-section='work'] [data-feedback='{id}']");
        await Expect(inWork).ToHaveAttributeAsync("data-status", "in_work");
        var workOrder = await inWork.GetAttributeAsync("data-linked-workorder");
        Assert.False(string.IsNullOrEmpty(workOrder));

        // The resident's page follows each step without a reload.
        await Expect(mine).ToHaveAttributeAsync("data-status", "in_work");
        await Expect(mine).ToHaveAttributeAsync("data-workorder-status", "open");

        await property.ClickAsync("[data-tab='workorders']");
        await Expect(property.Locator($"#workorders [data-column='open'] [data-workorder='{workOrder}']")).ToContainTextAsync("lamp/L-07");
        foreach (var (step, column) in new[] { ("assign", "assigned"), ("start", "in_progress"), ("complete", "done") })
        {
            await property.Locator($"#workorders [data-workorder='{workOrder}'] [data-step='{step}']").ClickAsync();
            await Expect(property.Locator($"#workorders [data-column='{column}'] [data-workorder='{workOrder}']")).ToHaveCountAsync(1);
            await Expect(mine).ToHaveAttributeAsync("data-workorder-status", column);
        }
        await Expect(mine).ToHaveAttributeAsync("data-status", "done");
        await Expect(mine.Locator("[data-testid='progress'] [data-step='done']")).ToHaveClassAsync("reached");
        await Expect(mine.Locator(".timeline")).ToContainTextAsync("the work is done");

        await mine.Locator("[data-stars='4']").ClickAsync();
        await mine.Locator("[data-field='rating-comment']").FillAsync("Fixed the next day, thank you");
        await mine.Locator("[data-action='rate']").ClickAsync();
        await Expect(mine.Locator("[data-testid='rating']")).ToHaveAttributeAsync("data-stars", "4");
        await Expect(mine.Locator("[data-testid='rating']")).ToContainTextAsync("Fixed the next day, thank you");
        await Expect(mine.Locator("form.rating-form")).ToHaveCountAsync(0);
        await silo.Screenshot(resident, "console-resident-feedback.png");

        // The server agrees; the rating reaches the feedback (and so the overview) from the work order.
        var feedback = await Eventually.Get(() => silo.Http.GetFromJsonAsync<JsonElement>($"/api/feedback/{id}"),
            f => f.TryGetProperty("rating", out _), "the rating on the feedback");
        Assert.Equal(4, feedback.GetProperty("rating").GetProperty("stars").GetInt32());
        Assert.Equal("property-mgmt", feedback.GetProperty("respondedBy").GetString());
        await Eventually.True(async () => (await silo.Http.GetFromJsonAsync<JsonElement>("/api/communities/sunrise"))
            .GetProperty("satisfaction").GetProperty("byKind").TryGetProperty("lamp", out var lamp) && lamp.GetProperty("rated").GetInt32() > 0,
            "the rating in the community overview");

        var committee = await silo.SignedIn("demo-committee");
        await Expect(committee.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        await committee.ClickAsync("[data-tab='satisfaction']");
        var lamps = committee.Locator("#satisfaction svg.chart [data-group='byKind'][data-key='lamp']");
        await Expect(lamps).ToHaveAttributeAsync("data-rating", "4");
        await Expect(lamps).ToContainTextAsync("4.0 ★");
        await Expect(committee.Locator("#satisfaction [data-group='byParty'][data-key='property-mgmt']")).ToHaveAttributeAsync("data-rating", "4");
        await Expect(committee.Locator("#satisfaction [data-group='byBuilding'][data-key]").First).ToBeVisibleAsync();
        await silo.Screenshot(committee, "console-satisfaction.png");

        await resident.Context.CloseAsync();
        await property.Context.CloseAsync();
        await committee.Context.CloseAsync();
    }

    [Fact]
    public async Task The_committee_opens_a_poll_in_the_page_two_households_vote_one_changes_its_vote_and_the_counts_and_the_result_arrive_live()
    {
        var question = $"Paint the B1 railings green or grey? ({Guid.NewGuid():N})"[..56];
        var committee = await silo.SignedIn("demo-committee");
        await Expect(committee.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        await committee.ClickAsync("[data-tab='polls']");
        await committee.ClickAsync(".poll-form summary");
        await committee.FillAsync("#poll-question", question);
        await committee.FillAsync("#poll-options", "Green\nGrey");
        await committee.SelectOptionAsync("#poll-building", "B1");
        await committee.ClickAsync("#poll-submit");
        var opened = committee.Locator("#polls [data-poll]", new PageLocatorOptions { HasText = question });
        await Expect(opened).ToHaveAttributeAsync("data-status", "open");
        await Expect(opened).ToContainTextAsync("households of building B1");
        var id = await opened.GetAttributeAsync("data-poll");
        var poll = committee.Locator($"#polls [data-poll='{id}']");

        var first = await silo.SignedIn("demo-home-B1-1-0501");
        var second = await silo.SignedIn("demo-home-B1-1-0601");
        foreach (var page in new[] { first, second })
        {
            await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
            await page.ClickAsync("[data-tab='polls']");
        }
        var firstPoll = first.Locator($"#polls [data-poll='{id}']");
        var secondPoll = second.Locator($"#polls [data-poll='{id}']");

        await firstPoll.Locator("[data-option='Green'] [data-action='vote']").ClickAsync();
        await Expect(firstPoll).ToHaveAttributeAsync("data-your-vote", "Green");
        await Expect(poll.Locator("[data-option='Green']")).ToHaveAttributeAsync("data-count", "1");

        await secondPoll.Locator("[data-option='Green'] [data-action='vote']").ClickAsync();
        await Expect(poll.Locator("[data-option='Green']")).ToHaveAttributeAsync("data-count", "2");
        await secondPoll.Locator("[data-option='Grey'] [data-action='vote']").ClickAsync();
        await Expect(secondPoll).ToHaveAttributeAsync("data-your-vote", "Grey");
        await Expect(poll.Locator("[data-option='Green']")).ToHaveAttributeAsync("data-count", "1");
        await Expect(poll.Locator("[data-option='Grey']")).ToHaveAttributeAsync("data-count", "1");
        await Expect(poll).ToContainTextAsync("2 of 24 households voted, 1 changed their vote");
        // The other household sees the change too, and keeps its own vote.
        await Expect(firstPoll.Locator("[data-option='Grey']")).ToHaveAttributeAsync("data-count", "1");
        await Expect(firstPoll).ToHaveAttributeAsync("data-your-vote", "Green");
        await silo.Screenshot(second, "console-resident-poll.png");

        var state = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/polls/{id}");
        Assert.Equal(2, state.GetProperty("votes").GetInt32());
        Assert.Equal(1, state.GetProperty("changedVotes").GetInt32());

        await poll.Locator("[data-action='close-poll']").ClickAsync();
        await Expect(poll).ToHaveAttributeAsync("data-status", "closed");
        await Expect(poll.Locator("[data-testid='poll-result']")).ToBeVisibleAsync();
        await silo.Screenshot(committee, "console-polls.png");
        // The residents' pages: the poll is closed, no more voting, and its result is a notice.
        await Expect(firstPoll).ToHaveAttributeAsync("data-status", "closed");
        await Expect(firstPoll.Locator("[data-action='vote']")).ToHaveCountAsync(0);
        await Expect(first.Locator("#notices")).ToContainTextAsync($"Poll result: {question}");
        await Expect(second.Locator("#notices")).ToContainTextAsync($"Poll result: {question}");

        await committee.Context.CloseAsync();
        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }

    [Fact]
    public async Task Each_party_sees_only_the_participation_views_its_role_may_use_and_the_police_sees_none()
    {
        string[] views = ["feedback", "polls", "satisfaction", "welfare"];
        var expected = new Dictionary<string, string[]>
        {
            ["demo-police"] = [],
            ["demo-home-B1-1-0501"] = ["feedback", "polls"],
            ["demo-property"] = ["feedback", "satisfaction"],
            ["demo-committee"] = ["feedback", "polls", "satisfaction", "welfare"],
            ["demo-grid-wang"] = ["welfare"],
        };
        foreach (var (token, shown) in expected)
        {
            var page = await silo.SignedIn(token);
            await Expect(page.Locator("[data-tab='twin']")).ToBeVisibleAsync();
            foreach (var view in views)
            {
                await Expect(page.Locator($"[data-tab='{view}']")).ToHaveCountAsync(shown.Contains(view) ? 1 : 0);
                await Expect(page.Locator($"#{view}")).ToHaveCountAsync(shown.Contains(view) ? 1 : 0);
            }
            if (token == "demo-police")
                await Expect(page.Locator("#notices, #poll-question, #feedback-text, [data-action='answer']")).ToHaveCountAsync(0);
            if (token.StartsWith("demo-home-", StringComparison.Ordinal))
            {
                // A resident files and votes, but opens no poll and answers nothing.
                await Expect(page.Locator("#feedback-text")).ToHaveCountAsync(1);
                await Expect(page.Locator("#poll-question")).ToHaveCountAsync(0);
                await Expect(page.Locator("[data-action='answer'], [data-action='workorder']")).ToHaveCountAsync(0);
            }
            if (token == "demo-committee")
                await Expect(page.Locator("#poll-question")).ToHaveCountAsync(1);
            await page.Context.CloseAsync();
        }
    }
}

/// <summary>
/// The console against a silo whose deadlines are seconds: feedback is overdue after 3 s, a vulnerable household silent
/// for 10 s gets a welfare check, and an unacknowledged check escalates after 3 s.
/// </summary>
public sealed class ShortDeadlinesConsoleFixture : ConsoleFixture
{
    public const int InactivitySeconds = 10;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        .. base.Settings(),
        new("Twin:Feedback:RespondWithin", "00:00:03"),
        new("Twin:Care:InactivityWindow", $"00:00:{InactivitySeconds:00}"),
        new("Twin:Care:AckWithin", "00:00:03"),
    ];
}

[CollectionDefinition(Name)]
public sealed class ShortDeadlinesConsoleCollection : ICollectionFixture<ShortDeadlinesConsoleFixture>
{
    public const string Name = "console in Chromium, deadlines of seconds";
}

/// <summary>Deadlines passing while the pages are open: overdue feedback, welfare checks appearing and escalating.</summary>
[Collection(ShortDeadlinesConsoleCollection.Name)]
public sealed class CareBrowserTests(ShortDeadlinesConsoleFixture silo)
{
    [Fact]
    public async Task A_grid_worker_sees_a_silent_vulnerable_households_check_appear_and_escalate_then_acknowledges_it_and_records_the_visit()
    {
        var grid = await silo.SignedIn("demo-grid-wang");
        await Expect(grid.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        await grid.ClickAsync("[data-tab='welfare']");
        // Provisioned now, so its silence starts now: the check must appear in the open page.
        var household = await silo.NewTwin("household", "B2");
        var card = grid.Locator($"#welfare [data-testid='open-checks'] [data-welfare='{household}']");
        await Expect(card).ToHaveAttributeAsync("data-status", "open", new LocatorAssertionsToHaveAttributeOptions { Timeout = (ShortDeadlinesConsoleFixture.InactivitySeconds + 20) * 1000 });
        await Expect(card.Locator("[data-testid='residents']")).ToContainTextAsync("Test Resident");
        await Expect(card.Locator("[data-testid='residents']")).ToContainTextAsync("+86 138 0000 9999");
        await Expect(card.Locator("[data-testid='residents']")).ToContainTextAsync("elderly alone");
        await Expect(card.Locator("[data-testid='escalated']")).ToContainTextAsync("committee-sunrise");
        await Expect(card).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bescalated\b"));
        var check = await card.GetAttributeAsync("data-check");
        await card.ScrollIntoViewIfNeededAsync();
        await silo.Screenshot(grid, "console-welfare.png");

        await card.Locator("[data-action='ack']").ClickAsync();
        await Expect(card).ToHaveAttributeAsync("data-task-status", "acknowledged");
        await Expect(card.Locator("[data-testid='deadline']")).ToContainTextAsync("Acknowledged by grid-wang");
        await card.Locator("[data-field='note']").FillAsync("Rang the bell: asleep, all well");
        await card.Locator("[data-action='visited']").ClickAsync();
        var closed = grid.Locator($"#welfare [data-testid='closed-checks'] [data-check='{check}']");
        await Expect(closed).ToHaveAttributeAsync("data-status", "closed");
        await Expect(closed.Locator("[data-testid='closed-how']")).ToContainTextAsync("visited by grid-wang: Rang the bell: asleep, all well");

        var welfare = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/welfare/{household}");
        var last = welfare.GetProperty("check");
        // A later check may have opened since (the window is seconds); the visited one is closed either way.
        if (last.GetProperty("id").GetString() == check)
            Assert.Equal("closed", last.GetProperty("status").GetString());
        await grid.Context.CloseAsync();
    }

    [Fact]
    public async Task The_committee_sees_unanswered_feedback_marked_overdue_and_escalated_and_its_answer_reaches_the_resident_live()
    {
        var text = $"More benches by the pond, please ({Guid.NewGuid():N})";
        var resident = await silo.SignedIn("demo-home-B1-1-0601");
        await Expect(resident.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        await resident.ClickAsync("[data-tab='feedback']");
        await resident.SelectOptionAsync("#feedback-category", "suggestion");
        await resident.FillAsync("#feedback-text", text);
        await resident.ClickAsync("#feedback-submit");
        var mine = resident.Locator("#feedback [data-feedback]", new PageLocatorOptions { HasText = text });
        await Expect(mine).ToHaveAttributeAsync("data-status", "open");
        var id = await mine.GetAttributeAsync("data-feedback");

        var committee = await silo.SignedIn("demo-committee");
        await committee.ClickAsync("[data-tab='feedback']");
        var item = committee.Locator($"#feedback [data-section='waiting'] [data-feedback='{id}']");
        // Overdue once its 3 s have passed, without a reload.
        await Expect(item).ToHaveAttributeAsync("data-overdue", "true", new LocatorAssertionsToHaveAttributeOptions { Timeout = 15_000 });
        await Expect(item.Locator("[data-testid='respond-by'] .escalated-to")).ToContainTextAsync("escalated to committee-sunrise");
        await Expect(committee.Locator("[data-tab='feedback'] .tab-badge")).ToHaveAttributeAsync("data-level", "alarm");

        await item.Locator("[data-action='answer']").ClickAsync();
        await item.Locator("[data-field='answer']").FillAsync("Two benches are ordered for May.");
        await item.Locator("[data-action='send-answer']").ClickAsync();
        var answered = committee.Locator($"#feedback [data-section='settled'] [data-feedback='{id}']");
        await Expect(answered).ToHaveAttributeAsync("data-status", "answered");

        await Expect(mine).ToHaveAttributeAsync("data-status", "answered");
        await Expect(mine.Locator("[data-testid='answer']")).ToContainTextAsync("committee-sunrise answered");
        await Expect(mine.Locator("[data-testid='answer']")).ToContainTextAsync("Two benches are ordered for May.");
        await Expect(mine.Locator("form.rating-form")).ToHaveCountAsync(0);

        await resident.Context.CloseAsync();
        await committee.Context.CloseAsync();
    }
}
