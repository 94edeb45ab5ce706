using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Twin.Tests.Cli;

/// <summary><c>twin token new</c>, run as a process, offline.</summary>
public sealed class TokenCommandTests
{
    static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task Token_new_prints_the_token_first_and_a_party_line_holding_its_sha256()
    {
        var (exit, output, error) = await TwinProcess.Run("token", "new", "--party", "fire");
        Assert.True(exit == 0, error);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var token = lines[0];
        // 32 random bytes, base64url without padding.
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        Assert.Contains(lines, l => l.Contains("\"parties\"") && l.Contains("community.json") && l.Contains("only this once"));

        var party = JsonDocument.Parse(lines.Single(l => l.StartsWith('{'))).RootElement;
        Assert.Equal("fire", party.GetProperty("id").GetString());
        Assert.Equal("fire", party.GetProperty("role").GetString());
        Assert.Equal(Sha256Hex(token), party.GetProperty("tokenSha256").GetString());
        // Absent options are left out, not null.
        Assert.Equal(["id", "role", "tokenSha256"], party.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Json_gives_token_and_party_with_every_field_given()
    {
        var (exit, output, error) = await TwinProcess.Run(
            "token", "new", "--party", "grid-wang", "--role", "grid", "--name", "Wang's grid team", "--buildings", "B1,B2", "--household", "B1-1-0501", "--json");
        Assert.True(exit == 0, error);

        var document = JsonDocument.Parse(output).RootElement;
        var token = document.GetProperty("token").GetString()!;
        var party = document.GetProperty("party");
        Assert.Equal(["id", "role", "name", "buildings", "household", "tokenSha256"], party.EnumerateObject().Select(p => p.Name));
        Assert.Equal("grid", party.GetProperty("role").GetString());
        Assert.Equal("Wang's grid team", party.GetProperty("name").GetString());
        Assert.Equal(["B1", "B2"], party.GetProperty("buildings").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("B1-1-0501", party.GetProperty("household").GetString());
        Assert.Equal(Sha256Hex(token), party.GetProperty("tokenSha256").GetString());
    }

    [Fact]
    public async Task Every_token_is_new()
    {
        var first = (await TwinProcess.Run("token", "new", "--party", "police", "--json")).Out;
        var second = (await TwinProcess.Run("token", "new", "--party", "police", "--json")).Out;
        Assert.NotEqual(
            JsonDocument.Parse(first).RootElement.GetProperty("token").GetString(),
            JsonDocument.Parse(second).RootElement.GetProperty("token").GetString());
    }

    [Theory]
    [InlineData("property")]
    [InlineData("committee")]
    [InlineData("grid")]
    [InlineData("police")]
    [InlineData("fire")]
    [InlineData("medical")]
    [InlineData("resident")]
    [InlineData("admin")]
    public async Task The_role_defaults_to_a_party_id_that_is_a_role(string role)
    {
        var (exit, output, error) = await TwinProcess.Run("token", "new", "--party", role, "--json");
        Assert.True(exit == 0, error);
        Assert.Equal(role, JsonDocument.Parse(output).RootElement.GetProperty("party").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Without_a_role_a_party_id_that_is_no_role_is_a_usage_error_listing_the_roles()
    {
        var (exit, output, error) = await TwinProcess.Run("token", "new", "--party", "fire-119");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--role", error);
        foreach (var role in new[] { "property", "committee", "grid", "police", "fire", "medical", "resident", "admin" })
            Assert.Contains(role, error);

        (exit, output, error) = await TwinProcess.Run("token", "new", "--party", "fire-119", "--role", "firefighter");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("medical", error);
    }

    [Theory]
    [InlineData("-fire")]
    [InlineData("fire brigade")]
    [InlineData("fire/119")]
    [InlineData("")]
    public async Task A_party_id_outside_the_id_pattern_is_a_usage_error(string party)
    {
        var (exit, output, error) = await TwinProcess.Run("token", "new", "--party", party, "--role", "fire");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("party id", error);
    }

    [Fact]
    public async Task A_party_id_of_64_characters_is_accepted_and_65_are_not()
    {
        Assert.Equal(0, (await TwinProcess.Run("token", "new", "--party", new string('a', 64), "--role", "resident")).Exit);
        Assert.Equal(2, (await TwinProcess.Run("token", "new", "--party", new string('a', 65), "--role", "resident")).Exit);
    }
}
