using Twin.Topology;
using Twin.Twins;

namespace Twin.Tests.Twins;

public sealed class TopologyPlanTests
{
    const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    const string Valid = $$"""
        {
          "community": { "id": "sunrise", "name": "Sunrise Garden" },
          "buildings": [
            { "id": "B1", "units": 2, "floors": 18, "position": { "x": 40, "y": 60 }, "neighbours": ["B2"] },
            { "id": "B2", "units": 1, "floors": 6, "position": { "x": 90, "y": 60 }, "neighbours": ["B1"] }
          ],
          "households": [
            { "id": "B1-1-0501", "building": "B1", "unit": 1, "floor": 5,
              "members": [ { "name": "Wang Li", "phone": "+86 138 0000 0000", "vulnerability": ["elderly_alone"] } ] },
            { "id": "B2-1-0101", "building": "B2", "unit": 1, "floor": 1, "members": [ { "name": "Zhao Min", "phone": null } ] }
          ],
          "gates":   [ { "id": "G-north", "position": { "x": 0, "y": 150 } } ],
          "lamps":   [ { "id": "L-01", "position": { "x": 30, "y": 40 }, "covers": ["B1"] } ],
          "bins":    [ { "id": "BIN-01", "building": "B1", "category": "kitchen" } ],
          "cameras": [ { "id": "C-01", "position": { "x": 50, "y": 50 }, "covers": ["B1", "B2"] } ],
          "parties": [ { "id": "fire-119", "role": "fire", "tokenSha256": "{{Hash}}" },
                       { "id": "grid-wang", "role": "grid", "buildings": ["B1"], "tokenSha256": "{{Hash}}" },
                       { "id": "home-B1-1-0501", "role": "resident", "household": "B1-1-0501", "tokenSha256": "{{Hash}}" } ],
          "devices": [ { "twin": "lamp/L-01", "username": "lamp-L-01", "secretSha256": "{{Hash}}" } ],
          "playbooks": { "fire": { "ackWithinSeconds": 60 } }
        }
        """;

    static TopologyPlan Plan(string json) => TopologyPlan.From(TopologyDocument.Parse(json));

    /// <summary>The valid document with one section replaced.</summary>
    static TopologyPlan PlanWith(string section, string replacement)
    {
        var doc = TopologyDocument.Parse(Valid);
        var changed = TopologyDocument.Parse("{\"" + section + "\": " + replacement + "}");
        doc = section switch
        {
            "buildings" => doc with { Buildings = changed.Buildings },
            "households" => doc with { Households = changed.Households },
            "gates" => doc with { Gates = changed.Gates },
            "lamps" => doc with { Lamps = changed.Lamps },
            "bins" => doc with { Bins = changed.Bins },
            "cameras" => doc with { Cameras = changed.Cameras },
            "parties" => doc with { Parties = changed.Parties },
            "devices" => doc with { Devices = changed.Devices },
            _ => throw new ArgumentException(section, nameof(section)),
        };
        return TopologyPlan.From(doc);
    }

    static string SingleProblem(TopologyPlan plan)
    {
        Assert.False(plan.IsValid);
        return Assert.Single(plan.Problems);
    }

    [Fact]
    public void A_valid_document_gives_a_twin_of_each_kind()
    {
        var plan = Plan(Valid);

        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        Assert.Equal("sunrise", plan.Community);
        Assert.Equal("Sunrise Garden", plan.CommunityName);
        Assert.Equal(["B1", "B2"], plan.Buildings.Order());
        Assert.Equal(
            ["bin/BIN-01", "building/B1", "building/B2", "camera/C-01", "gate/G-north", "household/B1-1-0501", "household/B2-1-0101", "lamp/L-01"],
            plan.Twins.Select(t => t.Twin.ToString()).Order(StringComparer.Ordinal));
        Assert.All(plan.Twins, t => Assert.Equal("sunrise", t.Community));
    }

    [Fact]
    public void Each_twin_keeps_its_place_and_what_it_covers()
    {
        var twins = Plan(Valid).Twins.ToDictionary(t => t.Twin.ToString());

        Assert.Equal("B1", twins["household/B1-1-0501"].Building);
        Assert.Equal("B1", twins["bin/BIN-01"].Building);
        Assert.Equal("kitchen", twins["bin/BIN-01"].Profile.GetText("category"));
        Assert.Equal(["B1", "B2"], twins["camera/C-01"].Covers.ToArray());
        Assert.Equal(["B1"], twins["lamp/L-01"].Covers.ToArray());
        Assert.Null(twins["gate/G-north"].Building);
        Assert.Equal(18, twins["building/B1"].Profile.GetNumber("floors"));
    }

    [Fact]
    public void A_household_keeps_its_members_and_is_marked_vulnerable_when_one_is()
    {
        var twins = Plan(Valid).Twins.ToDictionary(t => t.Twin.ToString());

        var wang = Assert.Single(twins["household/B1-1-0501"].Members);
        Assert.Equal("Wang Li", wang.Name);
        Assert.Equal(["elderly_alone"], wang.Vulnerability.ToArray());
        Assert.True(twins["household/B1-1-0501"].Profile.GetBool("vulnerable"));
        Assert.Null(twins["household/B2-1-0101"].Profile.GetBool("vulnerable"));
    }

    [Fact]
    public void A_household_in_an_unknown_building_is_a_problem_naming_the_section_and_index()
    {
        var plan = PlanWith("households", """[ { "id": "B1-1-0501", "building": "B1" }, { "id": "B9-1-0101", "building": "B9" } ]""");

        var problem = SingleProblem(plan);
        Assert.Contains("\"households[1]\"", problem);
        Assert.Contains("B9", problem);
    }

    [Fact]
    public void A_household_in_a_building_provisioned_earlier_is_fine()
    {
        var doc = TopologyDocument.Parse("""{ "households": [ { "id": "B7-1-0101", "building": "B7" } ] }""");

        var plan = TopologyPlan.From(doc, knownCommunity: "sunrise", knownBuildings: new HashSet<string> { "B7" });

        Assert.True(plan.IsValid, string.Join("; ", plan.Problems));
        Assert.Equal("sunrise", plan.Community);
    }

    [Fact]
    public void A_household_without_a_building_is_a_problem() =>
        Assert.Contains("\"households[0]\"", SingleProblem(PlanWith("households", """[ { "id": "H-1" } ]""")));

    [Fact]
    public void A_lamp_covering_an_unknown_building_is_a_problem_naming_the_section_and_index()
    {
        var plan = PlanWith("lamps", """[ { "id": "L-01", "covers": ["B1"] }, { "id": "L-02", "covers": ["B1", "B8"] } ]""");

        var problem = SingleProblem(plan);
        Assert.Contains("\"lamps[1]\"", problem);
        Assert.Contains("B8", problem);
    }

    [Fact]
    public void A_bin_in_an_unknown_building_is_a_problem() =>
        Assert.Contains("\"bins[0]\"", SingleProblem(PlanWith("bins", """[ { "id": "BIN-09", "building": "B9" } ]""")));

    [Fact]
    public void An_unknown_neighbour_is_a_problem()
    {
        var plan = PlanWith("buildings", """[ { "id": "B1", "neighbours": ["B2"] }, { "id": "B2", "neighbours": ["B3"] } ]""");

        var problem = SingleProblem(plan);
        Assert.Contains("\"buildings[1]\"", problem);
        Assert.Contains("B3", problem);
    }

    [Fact]
    public void A_duplicate_id_is_a_problem_naming_the_second_entry()
    {
        var plan = PlanWith("cameras", """[ { "id": "C-01" }, { "id": "C-02" }, { "id": "C-01" } ]""");

        var problem = SingleProblem(plan);
        Assert.Contains("\"cameras[2]\"", problem);
        Assert.Contains("C-01", problem);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("")]
    [InlineData("-L")]
    [InlineData("L 01")]
    [InlineData("L/01")]
    public void An_invalid_id_is_a_problem_naming_the_section_and_index(string id)
    {
        var plan = PlanWith("gates", $$"""[ { "id": "G-north" }, { "id": "{{id}}" } ]""");

        var problem = SingleProblem(plan);
        Assert.Contains("\"gates[1]\"", problem);
        Assert.DoesNotContain(plan.Twins, t => t.Twin.Id == id);
    }

    [Fact]
    public void An_id_of_65_characters_is_too_long()
    {
        Assert.True(TwinId.IsValidId(new string('a', 64)));
        Assert.Contains("\"lamps[0]\"", SingleProblem(PlanWith("lamps", $$"""[ { "id": "{{new string('a', 65)}}" } ]""")));
    }

    [Fact]
    public void An_unknown_vulnerability_flag_is_a_problem_listing_the_known_ones()
    {
        var plan = PlanWith("households", """
            [ { "id": "B1-1-0501", "building": "B1", "members": [ { "name": "Wang Li", "vulnerability": ["elderly_alone", "deaf"] } ] } ]
            """);

        var problem = SingleProblem(plan);
        Assert.Contains("\"households[0]\"", problem);
        Assert.Contains("deaf", problem);
        Assert.Contains("limited_mobility", problem);
    }

    [Theory]
    [InlineData("abc123")]
    [InlineData("secret-token")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0")]
    public void A_bad_token_hash_is_a_problem_naming_the_party(string hash)
    {
        var plan = PlanWith("parties", $$"""
            [ { "id": "fire-119", "role": "fire", "tokenSha256": "{{Hash}}" }, { "id": "police-110", "role": "police", "tokenSha256": "{{hash}}" } ]
            """);

        var problem = SingleProblem(plan);
        Assert.Contains("\"parties[1]\"", problem);
        Assert.Contains("tokenSha256", problem);
        Assert.DoesNotContain(hash, problem);
    }

    [Fact]
    public void An_upper_case_token_hash_is_fine() =>
        Assert.True(PlanWith("parties", $$"""[ { "id": "fire-119", "role": "fire", "tokenSha256": "{{Hash.ToUpperInvariant()}}" } ]""").IsValid);

    [Fact]
    public void An_unknown_role_is_a_problem() =>
        Assert.Contains("\"parties[0]\"", SingleProblem(PlanWith("parties", """[ { "id": "mayor", "role": "mayor" } ]""")));

    [Fact]
    public void A_device_credential_for_something_that_is_not_a_twin_address_is_a_problem()
    {
        var plan = PlanWith("devices", $$"""[ { "twin": "toaster/T-1", "username": "t", "secretSha256": "{{Hash}}" } ]""");

        Assert.Contains("\"devices[0]\"", SingleProblem(plan));
    }

    [Fact]
    public void A_bad_device_secret_hash_is_a_problem() =>
        Assert.Contains("\"devices[0]\"", SingleProblem(PlanWith("devices", """[ { "twin": "lamp/L-01", "username": "u", "secretSha256": "hunter2" } ]""")));

    [Fact]
    public void An_unknown_bin_category_is_a_problem() =>
        Assert.Contains("\"bins[0]\"", SingleProblem(PlanWith("bins", """[ { "id": "BIN-01", "building": "B1", "category": "glass" } ]""")));

    [Fact]
    public void A_document_without_a_community_is_a_problem_when_none_is_loaded() =>
        Assert.Contains("community", SingleProblem(TopologyPlan.From(TopologyDocument.Parse("""{ "buildings": [ { "id": "B1" } ] }"""))));

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var plan = Plan($$"""
            {
              "community": { "id": "sunrise" },
              "buildings": [ { "id": "B1" } ],
              "households": [ { "id": "H-1", "building": "B9" } ],
              "lamps": [ { "id": "../etc" }, { "id": "L-1", "covers": ["B5"] } ],
              "parties": [ { "id": "p", "role": "fire", "tokenSha256": "nope" } ]
            }
            """);

        Assert.Equal(4, plan.Problems.Length);
        Assert.Contains(plan.Problems, p => p.Contains("\"households[0]\""));
        Assert.Contains(plan.Problems, p => p.Contains("\"lamps[0]\""));
        Assert.Contains(plan.Problems, p => p.Contains("\"lamps[1]\""));
        Assert.Contains(plan.Problems, p => p.Contains("\"parties[0]\""));
    }
}
