using System.Text;
using System.Text.Json;

namespace Twin.Bench.Load;

/// <summary>One device the load plays: its twin, and the topics its telemetry goes to and its state comes back on.</summary>
public sealed record Device(string Kind, string Id)
{
    public string Address { get; } = $"{Kind}/{Id}";
    public string TelemetryTopic { get; } = $"twin/{Kind}/{Id}/telemetry";
    public string EventTopic { get; } = $"twin/{Kind}/{Id}/event";
    public string StateTopic { get; } = $"twin/{Kind}/{Id}/state";
}

/// <summary>
/// The devices of a topology file whose telemetry the load plays, and the telemetry itself: plain readings that change
/// every time (so every message is a real change of its twin) but never trigger a rule — the lamps report daylight and
/// are off, the bins are far from full, the households stay occupied. Gates are left out: the drills use them.
/// </summary>
public sealed class Traffic
{
    static readonly string[] Kinds = ["lamp", "bin", "camera", "household"];

    Traffic(IReadOnlyList<Device> devices, string community, IReadOnlyList<string> buildings)
    {
        Devices = devices;
        Community = community;
        Buildings = buildings;
        var index = new Dictionary<string, int>(devices.Count * 3, StringComparer.Ordinal);
        for (var i = 0; i < devices.Count; i++)
        {
            index[devices[i].TelemetryTopic] = i;
            index[devices[i].StateTopic] = i;
            index[devices[i].Address] = i;
        }
        ByTopicOrAddress = index;
    }

    public IReadOnlyList<Device> Devices { get; }

    public string Community { get; }

    /// <summary>The community's building ids, in the topology's order.</summary>
    public IReadOnlyList<string> Buildings { get; }

    /// <summary>A device's index by its telemetry topic, its state topic or its address.</summary>
    public IReadOnlyDictionary<string, int> ByTopicOrAddress { get; }

    public static Traffic From(string topologyFile, int? limit = null)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(topologyFile));
        var root = document.RootElement;
        var community = root.GetProperty("community").GetProperty("id").GetString()!;
        var perKind = Kinds.Select(kind => root.TryGetProperty(kind + "s", out var list)
            ? list.EnumerateArray().Select(item => new Device(kind, item.GetProperty("id").GetString()!)).ToList()
            : []).ToList();
        // Interleave the kinds so any prefix of the list is a mix of them.
        var devices = new List<Device>();
        for (var i = 0; perKind.Any(list => i < list.Count); i++)
            foreach (var list in perKind.Where(list => i < list.Count))
                devices.Add(list[i]);
        var buildings = root.TryGetProperty("buildings", out var buildingList)
            ? buildingList.EnumerateArray().Select(building => building.GetProperty("id").GetString()!).ToList()
            : [];
        return new Traffic(limit is { } n ? devices.Take(n).ToList() : devices, community, buildings);
    }

    /// <summary>The <paramref name="seq"/>-th reading of device <paramref name="index"/>, as its device would send it.</summary>
    public byte[] Telemetry(int index, ulong seq, long unixMilliseconds)
    {
        var variation = (int)(seq % 50);
        var body = Devices[index].Kind switch
        {
            "lamp" => $"\"on\":false,\"brightness\":0,\"lux\":{200 + variation},\"motion\":false,\"powerW\":0",
            "bin" => $"\"fillPercent\":{10 + variation},\"temperatureC\":{18 + variation % 5}",
            "camera" => $"\"online\":true,\"recording\":{(variation % 2 == 0 ? "true" : "false")}",
            _ => "\"occupied\":true",
        };
        return Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"ts\":{unixMilliseconds},{body}}}");
    }
}
