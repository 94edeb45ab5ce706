using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Twin.Tests.Console;

/// <summary>The operations console in a real Chromium, against the real silo: what a duty officer does with it.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleBrowserTests(ConsoleFixture silo)
{
    [Fact]
    public async Task A_wrong_token_is_refused_with_the_reason_and_the_right_one_opens_the_console_with_the_site_plan()
    {
        var page = await silo.NewPage();
        await page.GotoAsync(silo.BaseUrl + "/");
        await page.FillAsync("#login-token", "not-a-token");
        await page.ClickAsync("#login-submit");
        await Expect(page.Locator("#login-error")).ToContainTextAsync("not known");

        await page.FillAsync("#login-token", ConsoleFixture.AdminToken);
        await page.ClickAsync("#login-submit");
        await Expect(page.Locator("#who")).ToContainTextAsync("admin");
        await Expect(page.Locator("#community")).ToHaveTextAsync("Sunrise Garden");
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live");
        // Every building, gate, lamp, bin and camera of the sample community is on the plan.
        await Expect(page.Locator("#site-plan [data-twin^='building/']")).ToHaveCountAsync(8);
        await Expect(page.Locator("#site-plan [data-twin^='gate/']")).ToHaveCountAsync(4);
        await Expect(page.Locator("#site-plan [data-twin^='lamp/']")).ToHaveCountAsync(24);
        await Expect(page.Locator("#site-plan [data-twin^='bin/']")).ToHaveCountAsync(12);
        await Expect(page.Locator("#site-plan [data-twin^='camera/']")).ToHaveCountAsync(10);
        await silo.Screenshot(page, "console-site-plan.png");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_lamp_lights_up_on_the_plan_when_its_telemetry_arrives_over_MQTT_and_turns_to_fault_on_a_fault_event()
    {
        var page = await silo.SignedIn(ConsoleFixture.AdminToken);
        var lamp = page.Locator("#site-plan [data-twin='lamp/L-11']");
        await Expect(lamp).ToHaveAttributeAsync("data-lit", "off");
        var unlit = await Fill(lamp);

        await using var device = await silo.Device();
        await device.Publish("twin/lamp/L-11/telemetry", new { seq = 1, lux = 2, motion = true, on = true, brightness = 100, powerW = 38 });
        await Expect(lamp).ToHaveAttributeAsync("data-lit", "on");
        await Expect(lamp).ToHaveAttributeAsync("data-brightness", "100");
        Assert.NotEqual(unlit, await Fill(lamp));

        // Clicking it shows the live state the device reported.
        await lamp.ClickAsync();
        await Expect(page.Locator("#twin-panel [data-field='brightness'] td")).ToHaveTextAsync("100");
        await Expect(page.Locator("#twin-panel [data-field='powerW'] td")).ToHaveTextAsync("38");

        await device.Publish("twin/lamp/L-11/event", new { seq = 2, type = "fault", code = "driver_overheat" });
        await Expect(lamp).ToHaveAttributeAsync("data-status", "fault");
        await Expect(page.Locator("#twin-panel [data-testid='twin-status']")).ToHaveTextAsync("fault");
        await Expect(page.Locator("#counts [data-count='fault']")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_fire_drill_raised_in_the_console_shows_on_the_plan_and_is_acknowledged_accounted_and_closed()
    {
        var page = await silo.SignedIn(ConsoleFixture.AdminToken);
        await page.ClickAsync("[data-tab='incident']");
        await page.ClickAsync(".raise summary");
        await page.SelectOptionAsync("#raise-type", "fire");
        await page.SelectOptionAsync("#raise-building", "B6");
        await page.FillAsync("#raise-description", "Smoke in the stairwell, floor 6");
        await page.ClickAsync("#raise-submit");

        var incident = page.Locator("#incident .incident");
        await Expect(incident).ToHaveAttributeAsync("data-status", "active");
        var id = await incident.GetAttributeAsync("data-incident");
        await Expect(page.Locator($"#incident-banner [data-incident='{id}']")).ToContainTextAsync("FIRE DRILL");
        await Expect(page.Locator("#site-plan [data-twin='building/B6']")).ToHaveAttributeAsync("data-incident", "fire");
        // The playbook switched every gate to evacuation: the plan and the incident's gate table say so.
        await Expect(page.Locator("#site-plan [data-twin='gate/G-north']")).ToHaveAttributeAsync("data-mode", "evacuation");
        await Expect(incident.Locator("[data-gate='G-north']")).ToHaveAttributeAsync("data-mode", "evacuation");

        // Every household of B6 starts unaccounted, floor by floor.
        var households = (await silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}")).GetProperty("households").GetProperty("total").GetInt32();
        Assert.True(households > 0);
        await Expect(incident.Locator("[data-testid='unaccounted'] b")).ToHaveTextAsync(households.ToString());
        await Expect(incident.Locator("[data-household]")).ToHaveCountAsync(households);

        var fireTask = incident.Locator("[data-role='fire'] [data-task]").First;
        await Expect(fireTask).ToHaveAttributeAsync("data-task-status", "pending");
        await fireTask.Locator("[data-action='ack']").ClickAsync();
        await Expect(fireTask).ToHaveAttributeAsync("data-task-status", "acknowledged");

        var home = incident.Locator("[data-household]").First;
        var homeId = await home.GetAttributeAsync("data-household");
        await home.ClickAsync();
        await incident.Locator("[data-mark='safe']").ClickAsync();
        await Expect(incident.Locator($"[data-household='{homeId}']")).ToHaveAttributeAsync("data-account", "safe");
        await Expect(incident.Locator("[data-testid='safe'] b")).ToHaveTextAsync("1");
        await silo.Screenshot(page, "console-incident.png");

        // The server agrees with what the page shows.
        var state = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("acknowledged", state.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("role").GetString() == "fire").GetProperty("status").GetString());
        Assert.Equal(1, state.GetProperty("households").GetProperty("safe").GetInt32());

        await incident.Locator("#incident-close").ClickAsync();
        await Expect(incident).ToHaveAttributeAsync("data-status", "closed");
        await Expect(incident.Locator("[data-testid='report']")).ToContainTextAsync("first acknowledgement");
        await Expect(page.Locator($"#incident-banner [data-incident='{id}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#site-plan [data-twin='building/B6']")).ToHaveAttributeAsync("data-incident", "");
        await Expect(page.Locator("#site-plan [data-twin='gate/G-north']")).ToHaveAttributeAsync("data-mode", "normal");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_fire_service_sees_incidents_but_no_work_orders_commands_or_close_button_and_a_resident_sees_only_its_home()
    {
        var incident = await silo.Http.PostAsJsonAsync("/api/incidents", new { type = "gas_leak", building = "B7", description = "gas smell in unit 2", drill = true });
        incident.EnsureSuccessStatusCode();
        var id = (await incident.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var fire = await silo.SignedIn("demo-fire");
        await Expect(fire.Locator("[data-tab='incident']")).ToBeVisibleAsync();
        await Expect(fire.Locator("[data-tab='workorders']")).ToHaveCountAsync(0);
        await fire.Locator($"#incident-banner [data-incident='{id}']").ClickAsync();
        await Expect(fire.Locator("#incident .incident")).ToHaveAttributeAsync("data-incident", id!);
        await Expect(fire.Locator("#incident-close")).ToHaveCountAsync(0);
        await fire.Locator("#site-plan [data-twin='lamp/L-01']").ClickAsync();
        await Expect(fire.Locator("#twin-panel h2")).ToContainTextAsync("L-01");
        await Expect(fire.Locator("#twin-panel form.command")).ToHaveCountAsync(0);
        await fire.Context.CloseAsync();

        var resident = await silo.SignedIn("demo-home-B1-1-0501");
        await Expect(resident.Locator("#twin-panel h2")).ToContainTextAsync("B1-1-0501");
        await Expect(resident.Locator("#site-plan")).ToHaveCountAsync(0);
        await Expect(resident.Locator("[data-tab='incident']")).ToHaveCountAsync(0);
        await Expect(resident.Locator("#incident-banner [data-incident]")).ToHaveCountAsync(0);
        await resident.Context.CloseAsync();

        (await silo.Http.PostAsync($"/api/incidents/{id}/close", null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task The_work_order_board_moves_a_lamp_fault_from_open_to_done()
    {
        await using var device = await silo.Device();
        await device.Publish("twin/lamp/L-17/event", new { seq = 1, type = "fault", code = "lamp_dead" });
        var page = await silo.SignedIn("demo-property");
        await page.ClickAsync("[data-tab='workorders']");
        var card = page.Locator("[data-column='open'] .card", new PageLocatorOptions { HasText = "lamp/L-17" });
        await Expect(card).ToHaveCountAsync(1);
        var id = await card.GetAttributeAsync("data-workorder");

        foreach (var (step, column) in new[] { ("assign", "assigned"), ("start", "in_progress"), ("complete", "done") })
        {
            await page.Locator($"[data-workorder='{id}'] [data-step='{step}']").ClickAsync();
            await Expect(page.Locator($"[data-column='{column}'] [data-workorder='{id}']")).ToHaveCountAsync(1);
        }
        var order = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/workorders/{id}");
        Assert.Equal("done", order.GetProperty("status").GetString());
        Assert.Equal("property-mgmt", order.GetProperty("assignee").GetString());
        await page.Context.CloseAsync();
    }

    static Task<string> Fill(ILocator lamp) => lamp.Locator(".body").EvaluateAsync<string>("e => getComputedStyle(e).fill");
}
