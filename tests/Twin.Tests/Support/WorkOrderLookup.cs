using System.Net.Http.Json;
using System.Text.Json;

namespace Twin.Tests.Support;

public static class WorkOrderLookup
{
    /// <summary>The work orders the API lists for one twin (<c>kind/id</c>).</summary>
    public static async Task<JsonElement[]> WorkOrdersFor(this HttpClient http, string twin) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/workorders")).GetProperty("items").EnumerateArray()
            .Where(w => w.GetProperty("twin").GetString() == twin).ToArray();

    public static async Task<JsonElement?> WorkOrderFor(this HttpClient http, string twin) =>
        (await http.WorkOrdersFor(twin)) is [var first, ..] ? first : null;
}
