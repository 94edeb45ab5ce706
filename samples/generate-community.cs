// Generates the sample community topology (DESIGN §6): samples/community.json.
//
//   dotnet run samples/generate-community.cs                                   # the shipped sample, 192 households
//   dotnet run samples/generate-community.cs -- --households 100000 --out /tmp/community-100k.json
//
// Deterministic: the same options always write the same bytes (fixed seed, no clock, invariant formatting).
// Only the BCL: Utf8JsonWriter writes the file directly, no reflection-based serialization.

using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

const int DefaultHouseholds = 192;
const int DefaultSeed = 20251123;

var households = DefaultHouseholds;
var seed = DefaultSeed;
string? outPath = null;

try
{
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--households" or "--scale" or "-n":
                households = ParseCount(args, ref i);
                break;
            case "--seed":
                seed = ParseCount(args, ref i);
                break;
            case "--out" or "-o":
                outPath = i + 1 < args.Length ? args[++i] : throw Usage("--out needs a path");
                break;
            case "--help" or "-h":
                Console.WriteLine("usage: dotnet run samples/generate-community.cs -- [--households N] [--seed N] [--out path]");
                Console.WriteLine($"  --households N  (alias --scale) number of households, default {DefaultHouseholds}; buildings, lamps, bins and cameras scale with it");
                Console.WriteLine($"  --seed N        random seed, default {DefaultSeed}");
                Console.WriteLine("  --out path      output file, default community.json next to this script");
                return 0;
            default:
                throw Usage($"unknown option '{args[i]}'");
        }
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"generate-community: {e.Message}");
    return 2;
}

outPath ??= Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? "samples", "community.json");

var started = System.Diagnostics.Stopwatch.StartNew();
var community = Generator.Build(households, seed);
community.Validate();
var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
if (directory is not null)
    Directory.CreateDirectory(directory);
long bytes;
using (var file = new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
{
    community.Write(file);
    bytes = file.Length;
}

Console.WriteLine(
    $"wrote {outPath} ({bytes:N0} bytes) in {started.Elapsed.TotalSeconds:F2} s: " +
    $"{community.Buildings.Count} buildings, {community.Households.Count} households " +
    $"({community.Households.Sum(h => h.Members.Count)} members, {community.Households.Count(h => h.IsVulnerable)} vulnerable), " +
    $"{community.Gates.Count} gates, {community.Lamps.Count} lamps, {community.Bins.Count} bins, {community.Cameras.Count} cameras, " +
    $"{community.Parties.Count} parties, {community.DeviceCount} devices");
return 0;

static int ParseCount(string[] args, ref int i)
{
    var name = args[i];
    if (i + 1 >= args.Length || !int.TryParse(args[++i], out var value) || value < 0)
        throw Usage($"{name} needs a non-negative whole number");
    return value;
}

static ArgumentException Usage(string message) =>
    new($"{message} (try --help)");

sealed record Pos(int X, int Y);

sealed record Building(string Id, string Name, int Units, int Floors, Pos Position, int Column, int Row)
{
    public List<string> Neighbours { get; } = [];
}

sealed record Member(string Name, string Phone, List<string> Vulnerability);

sealed record Household(string Id, string Building, int Unit, int Floor, List<Member> Members)
{
    public bool IsVulnerable => Members.Exists(m => m.Vulnerability.Count > 0);
}

sealed record Device(string Id, string? Name, string? Building, string? Category, Pos Position, List<string> Covers);

sealed record Party(string Id, string Role, string Name, string Token, List<string>? Buildings = null, string? Household = null);

enum Care { None, ElderlyAlone, LimitedMobility, NeedsMedication, Infant }

sealed partial class Community
{
    public required List<Building> Buildings { get; init; }
    public required List<Household> Households { get; init; }
    public required List<Device> Gates { get; init; }
    public required List<Device> Lamps { get; init; }
    public required List<Device> Bins { get; init; }
    public required List<Device> Cameras { get; init; }
    public required List<Party> Parties { get; init; }

    public int DeviceCount => Gates.Count + Lamps.Count + Bins.Count + Cameras.Count + Households.Count;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    /// <summary>Fails loudly rather than write a file the silo would refuse.</summary>
    public void Validate()
    {
        var buildings = Buildings.Select(b => b.Id).ToHashSet();
        IEnumerable<string> ids = [
            .. Buildings.Select(b => b.Id), .. Households.Select(h => h.Id), .. Gates.Select(d => d.Id), .. Lamps.Select(d => d.Id),
            .. Bins.Select(d => d.Id), .. Cameras.Select(d => d.Id), .. Parties.Select(p => p.Id)];
        foreach (var id in ids)
            if (!IdPattern().IsMatch(id))
                throw new InvalidOperationException($"id '{id}' does not match {IdPattern()}");
        IEnumerable<string> references = [
            .. Buildings.SelectMany(b => b.Neighbours), .. Households.Select(h => h.Building),
            .. new[] { Gates, Lamps, Bins, Cameras }.SelectMany(list => list).SelectMany(d => d.Building is null ? d.Covers : d.Covers.Append(d.Building)),
            .. Parties.SelectMany(p => p.Buildings ?? [])];
        foreach (var building in references)
            if (!buildings.Contains(building))
                throw new InvalidOperationException($"reference to unknown building '{building}'");
    }

    public void Write(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 2,
            NewLine = "\n",
            // '+' in phone numbers and apostrophes in names stay as they are; the file is data, never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        w.WriteStartObject();

        w.WriteStartObject("community");
        w.WriteString("id", Generator.CommunityId);
        w.WriteString("name", Generator.CommunityName);
        w.WriteEndObject();

        w.WriteStartArray("buildings");
        foreach (var b in Buildings)
        {
            w.WriteStartObject();
            w.WriteString("id", b.Id);
            w.WriteString("name", b.Name);
            w.WriteNumber("units", b.Units);
            w.WriteNumber("floors", b.Floors);
            WritePosition(w, b.Position);
            WriteStrings(w, "neighbours", b.Neighbours);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("households");
        foreach (var h in Households)
        {
            w.WriteStartObject();
            w.WriteString("id", h.Id);
            w.WriteString("building", h.Building);
            w.WriteNumber("unit", h.Unit);
            w.WriteNumber("floor", h.Floor);
            w.WriteStartArray("members");
            foreach (var m in h.Members)
            {
                w.WriteStartObject();
                w.WriteString("name", m.Name);
                w.WriteString("phone", m.Phone);
                WriteStrings(w, "vulnerability", m.Vulnerability);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            if (w.BytesPending > 1 << 16)
                w.Flush();
        }
        w.WriteEndArray();

        WriteDevices(w, "gates", Gates);
        WriteDevices(w, "lamps", Lamps);
        WriteDevices(w, "bins", Bins);
        WriteDevices(w, "cameras", Cameras);

        w.WriteStartArray("parties");
        foreach (var p in Parties)
        {
            w.WriteStartObject();
            w.WriteString("id", p.Id);
            w.WriteString("role", p.Role);
            w.WriteString("name", p.Name);
            if (p.Buildings is not null)
                WriteStrings(w, "buildings", p.Buildings);
            if (p.Household is not null)
                w.WriteString("household", p.Household);
            w.WriteString("tokenSha256", Sha256Hex(p.Token));
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("devices");
        foreach (var (kind, id) in Gates.Select(d => ("gate", d.Id))
                     .Concat(Lamps.Select(d => ("lamp", d.Id)))
                     .Concat(Bins.Select(d => ("bin", d.Id)))
                     .Concat(Cameras.Select(d => ("camera", d.Id)))
                     .Concat(Households.Select(h => ("household", h.Id))))
        {
            w.WriteStartObject();
            w.WriteString("twin", $"{kind}/{id}");
            w.WriteString("username", $"{kind}-{id}");
            w.WriteString("secretSha256", Sha256Hex($"demo-secret-{kind}-{id}"));
            w.WriteEndObject();
            if (w.BytesPending > 1 << 16)
                w.Flush();
        }
        w.WriteEndArray();

        w.WriteStartObject("playbooks");
        w.WriteStartObject("fire");
        w.WriteNumber("ackWithinSeconds", 60);
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    static void WriteDevices(Utf8JsonWriter w, string section, List<Device> devices)
    {
        w.WriteStartArray(section);
        foreach (var d in devices)
        {
            w.WriteStartObject();
            w.WriteString("id", d.Id);
            if (d.Name is not null)
                w.WriteString("name", d.Name);
            if (d.Building is not null)
                w.WriteString("building", d.Building);
            if (d.Category is not null)
                w.WriteString("category", d.Category);
            WritePosition(w, d.Position);
            if (d.Covers.Count > 0)
                WriteStrings(w, "covers", d.Covers);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    static void WritePosition(Utf8JsonWriter w, Pos p)
    {
        w.WriteStartObject("position");
        w.WriteNumber("x", p.X);
        w.WriteNumber("y", p.Y);
        w.WriteEndObject();
    }

    static void WriteStrings(Utf8JsonWriter w, string name, List<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }

    static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

static class Generator
{
    public const string CommunityId = "sunrise";
    public const string CommunityName = "Sunrise Garden";

    // The default community: 24 households a building, so 192 households fill B1..B8 in two rows of four.
    const int HouseholdsPerBuilding = 24;
    const int MinBuildings = 8;
    const int RoomsPerFloor = 2;
    const int Spacing = 100;   // site-plan units between building columns
    const int RowSpacing = 150; // and between rows; the default site is 400 x 300

    // Shares of households that get each kind of care flag (about 13.5 % of households in all).
    const double ElderlyAloneShare = 0.06;
    const double LimitedMobilityShare = 0.03;
    const double NeedsMedicationShare = 0.02;
    const double InfantShare = 0.02;

    static readonly string[] Categories = ["recyclable", "kitchen", "hazardous", "other"];

    static readonly string[] Surnames =
    [
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo",
        "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao",
    ];
    static readonly string[] ElderNames =
    [
        "Xiuying", "Guiying", "Yulan", "Guilan", "Shuzhen", "Fengying", "Xiulan", "Guizhen", "Jianguo", "Jianhua", "Guoqiang",
        "Dehua", "Zhiqiang", "Baoshan", "Yuzhen", "Shulan", "Zhenhua", "Fuqiang", "Guohua", "Cuilan",
    ];
    static readonly string[] AdultNames =
    [
        "Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Jun", "Yan", "Tao", "Ping", "Hui", "Jie", "Xin", "Lin", "Gang",
        "Haiyan", "Xiaoming", "Lijuan", "Yong", "Chao", "Hong", "Bo", "Dan", "Ying", "Peng", "Hao", "Xue", "Kai", "Yuqing",
    ];
    static readonly string[] ChildNames =
    [
        "Zihan", "Yuxuan", "Haoran", "Yichen", "Ruoxi", "Xinyi", "Zimo", "Muchen", "Yutong", "Jiaxin", "Zirui", "Yihan",
        "Haoyu", "Shiyu", "Mingxuan", "Keke", "Tiantian", "Junhao", "Siqi", "Ruiqi",
    ];

    public static Community Build(int householdCount, int seed)
    {
        var rng = new Random(seed);
        var buildings = Buildings(Math.Max(MinBuildings, (householdCount + HouseholdsPerBuilding - 1) / HouseholdsPerBuilding), rng);
        var households = Households(buildings, householdCount, rng);
        var (width, height) = SiteSize(buildings);
        var gates = new List<Device>
        {
            new("G-north", "North gate", null, null, new(width / 2, 0), []),
            new("G-south", "South gate", null, null, new(width / 2, height), []),
            new("G-east", "East gate", null, null, new(width, height / 2), []),
            new("G-west", "West gate", null, null, new(0, height / 2), []),
        };
        return new Community
        {
            Buildings = buildings,
            Households = households,
            Gates = gates,
            Lamps = Lamps(buildings),
            Bins = Bins(buildings),
            Cameras = Cameras(buildings),
            Parties = Parties(buildings, households),
        };
    }

    /// <summary>A grid about 1.5 times as wide as it is deep: eight buildings make two rows of four on a 400 x 300 plan.</summary>
    static List<Building> Buildings(int count, Random rng)
    {
        var columns = (int)Math.Ceiling(Math.Sqrt(1.5 * count));
        var buildings = new List<Building>(count);
        for (var i = 0; i < count; i++)
        {
            int column = i % columns, row = i / columns;
            // B1 is the docs' example building: two units, eighteen floors.
            var units = i == 0 ? 2 : rng.Next(2, 4);
            var floors = i == 0 ? 18 : rng.Next(6, 19);
            buildings.Add(new($"B{i + 1}", $"Building {i + 1}", units, floors,
                new(40 + column * Spacing, 60 + row * RowSpacing), column, row));
        }
        var at = buildings.ToDictionary(b => (b.Column, b.Row));
        foreach (var b in buildings)
        {
            foreach (var (dc, dr) in new[] { (0, -1), (-1, 0), (1, 0), (0, 1) })
                if (at.TryGetValue((b.Column + dc, b.Row + dr), out var n))
                    b.Neighbours.Add(n.Id);
        }
        return buildings;
    }

    static (int Width, int Height) SiteSize(List<Building> buildings) =>
        ((buildings.Max(b => b.Column) + 1) * Spacing, (buildings.Max(b => b.Row) + 1) * RowSpacing);

    static List<Household> Households(List<Building> buildings, int count, Random rng)
    {
        // Which homes are occupied: a seeded sample of every building's (unit, floor, room) slots.
        var homes = new List<(Building Building, int Unit, int Floor, int Room)>(count);
        for (var i = 0; i < buildings.Count; i++)
        {
            var b = buildings[i];
            var take = count / buildings.Count + (i < count % buildings.Count ? 1 : 0);
            var slots = new List<(int Unit, int Floor, int Room)>(b.Units * b.Floors * RoomsPerFloor);
            for (var unit = 1; unit <= b.Units; unit++)
                for (var floor = 1; floor <= b.Floors; floor++)
                    for (var room = 1; room <= RoomsPerFloor; room++)
                        // The docs' example household B1-1-0501 is always the file's first household.
                        if (i != 0 || unit != 1 || floor >= 5)
                            slots.Add((unit, floor, room));
            if (take > slots.Count)
                throw new InvalidOperationException($"{b.Id} has room for {slots.Count} households, not {take}");
            var chosen = slots.ToArray();
            rng.Shuffle(chosen);
            var picked = chosen.Take(take).ToList();
            if (i == 0 && take > 0 && !picked.Contains((1, 5, 1)))
                picked[0] = (1, 5, 1);
            foreach (var (unit, floor, room) in picked.Order())
                homes.Add((b, unit, floor, room));
        }

        // Which households need care: a seeded permutation cut into shares; the first household is always one living alone.
        var care = new Care[homes.Count];
        var order = Enumerable.Range(1, Math.Max(0, homes.Count - 1)).ToArray();
        rng.Shuffle(order);
        var next = 0;
        void Assign(Care kind, double share, bool includeFirst = false)
        {
            var n = (int)Math.Ceiling(share * homes.Count);
            if (includeFirst && homes.Count > 0)
            {
                care[0] = kind;
                n--;
            }
            for (; n > 0 && next < order.Length; n--)
                care[order[next++]] = kind;
        }
        Assign(Care.ElderlyAlone, ElderlyAloneShare, includeFirst: true);
        Assign(Care.LimitedMobility, LimitedMobilityShare);
        Assign(Care.NeedsMedication, NeedsMedicationShare);
        Assign(Care.Infant, InfantShare);

        var phones = 0;
        string Phone()
        {
            phones++;
            return $"+86 138 {phones / 10000:D4} {phones % 10000:D4}";
        }
        var households = new List<Household>(homes.Count);
        var elderlyAlone = 0;
        for (var i = 0; i < homes.Count; i++)
        {
            var (b, unit, floor, room) = homes[i];
            var members = i == 0
                ? [new Member("Wang Xiuying", Phone(), ["elderly_alone"])]
                : Members(care[i], care[i] == Care.ElderlyAlone ? elderlyAlone : 0, rng, Phone);
            if (care[i] == Care.ElderlyAlone)
                elderlyAlone++;
            households.Add(new($"{b.Id}-{unit}-{floor:D2}{room:D2}", b.Id, unit, floor, members));
        }
        return households;
    }

    static List<Member> Members(Care care, int elderlyIndex, Random rng, Func<string> phone)
    {
        var family = Pick(Surnames, rng);
        string Spouse()
        {
            string s;
            do s = Pick(Surnames, rng); while (s == family);
            return s;
        }
        Member Elder(params string[] flags) => new($"{family} {Pick(ElderNames, rng)}", phone(), [.. flags]);
        Member Adult(string surname, params string[] flags) => new($"{surname} {Pick(AdultNames, rng)}", phone(), [.. flags]);
        Member Child() => new($"{family} {Pick(ChildNames, rng)}", phone(), []);

        var members = new List<Member>();
        switch (care)
        {
            case Care.ElderlyAlone:
                // Some who live alone also have trouble moving or take daily medication.
                var flags = new List<string> { "elderly_alone" };
                if (elderlyIndex % 2 == 1)
                    flags.Add("limited_mobility");
                if (elderlyIndex % 3 == 2)
                    flags.Add("needs_medication");
                members.Add(Elder([.. flags]));
                break;
            case Care.LimitedMobility:
                members.Add(Elder("limited_mobility"));
                members.Add(Adult(family));
                if (rng.Next(2) == 0)
                    members.Add(Adult(Spouse()));
                if (members.Count < 3 && rng.Next(2) == 0)
                    members.Add(Child());
                break;
            case Care.NeedsMedication:
                members.Add(Adult(family, "needs_medication"));
                if (rng.Next(3) > 0)
                    members.Add(Adult(Spouse()));
                if (rng.Next(2) == 0)
                    members.Add(Child());
                break;
            case Care.Infant:
                members.Add(Adult(family));
                members.Add(Adult(Spouse()));
                // An infant has no phone of its own: the household's contact is a parent's.
                members.Add(new($"{family} {Pick(ChildNames, rng)}", members[0].Phone, ["infant"]));
                if (rng.Next(2) == 0)
                    members.Add(Elder());
                break;
            default:
                members.AddRange(rng.Next(100) switch
                {
                    < 15 => [Adult(family)],
                    < 40 => [Adult(family), Adult(Spouse())],
                    < 75 => [Adult(family), Adult(Spouse()), Child()],
                    < 90 => [Adult(family), Adult(Spouse()), Child(), Elder()],
                    _ => [Elder(), new($"{Spouse()} {Pick(ElderNames, rng)}", phone(), [])],
                });
                break;
        }
        return members;
    }

    static string Pick(string[] names, Random rng) => names[rng.Next(names.Length)];

    static string Number(string prefix, int index, int count) =>
        $"{prefix}-{(index + 1).ToString(new string('0', Math.Max(2, count.ToString().Length)))}";

    /// <summary>Three lamps a building, on the paths around it: the entrance, the road in front, the path to the east.</summary>
    static List<Device> Lamps(List<Building> buildings)
    {
        var count = buildings.Count * 3;
        var lamps = new List<Device>(count);
        var byId = buildings.ToDictionary(b => b.Id);
        foreach (var b in buildings)
        {
            var (x, y) = (b.Position.X, b.Position.Y);
            var east = b.Neighbours.Select(n => byId[n]).FirstOrDefault(n => n.Row == b.Row && n.Column == b.Column + 1);
            lamps.Add(new(Number("L", lamps.Count, count), null, null, null, new(x - 20, y - 30), [b.Id]));
            lamps.Add(new(Number("L", lamps.Count, count), null, null, null, new(x, y + 45), [b.Id]));
            lamps.Add(new(Number("L", lamps.Count, count), null, null, null, new(x + 50, y),
                east is null ? [b.Id] : [b.Id, east.Id]));
        }
        return lamps;
    }

    /// <summary>One and a half bins a building, spread evenly; the categories take turns, so each has a quarter.</summary>
    static List<Device> Bins(List<Building> buildings)
    {
        var count = (buildings.Count * 3 + 1) / 2;
        var bins = new List<Device>(count);
        var previous = -1;
        var slot = 0;
        for (var k = 0; k < count; k++)
        {
            var index = (int)((long)k * buildings.Count / count);
            slot = index == previous ? slot + 1 : 0;
            previous = index;
            var b = buildings[index];
            bins.Add(new(Number("BIN", k, count), null, b.Id, Categories[k % Categories.Length],
                new(b.Position.X + 5 + 12 * slot, b.Position.Y + 30), []));
        }
        return bins;
    }

    /// <summary>
    /// Five cameras for every four buildings. Camera k watches building k·B/C (so every building is watched) and, in turn,
    /// also its east and south neighbours, its east neighbour, or nothing more: one to three buildings each.
    /// </summary>
    static List<Device> Cameras(List<Building> buildings)
    {
        var count = (buildings.Count * 5 + 3) / 4;
        var byId = buildings.ToDictionary(b => b.Id);
        var cameras = new List<Device>(count);
        for (var k = 0; k < count; k++)
        {
            var b = buildings[(int)((long)k * buildings.Count / count)];
            var covers = new List<string> { b.Id };
            foreach (var n in b.Neighbours.Select(n => byId[n]))
            {
                var isEast = n.Row == b.Row && n.Column == b.Column + 1;
                var isSouth = n.Column == b.Column && n.Row == b.Row + 1;
                if ((k % 3 == 0 && (isEast || isSouth)) || (k % 3 == 1 && isEast))
                    covers.Add(n.Id);
            }
            var watched = covers.Select(id => byId[id].Position).ToList();
            var position = new Pos((int)Math.Round(watched.Average(p => p.X)) + 10, (int)Math.Round(watched.Average(p => p.Y)) - 15);
            cameras.Add(new(Number("C", k, count), null, null, null, position, covers));
        }
        return cameras;
    }

    static List<Party> Parties(List<Building> buildings, List<Household> households)
    {
        var half = (buildings.Count + 1) / 2;
        var parties = new List<Party>
        {
            new("property-mgmt", "property", "Sunrise Property Management", "demo-property"),
            new("committee-sunrise", "committee", "Sunrise Residents' Committee", "demo-committee"),
            new("grid-wang", "grid", "Wang Fang (grid worker)", "demo-grid-wang", [.. buildings.Take(half).Select(b => b.Id)]),
            new("grid-li", "grid", "Li Na (grid worker)", "demo-grid-li", [.. buildings.Skip(half).Select(b => b.Id)]),
            new("police-110", "police", "Police 110", "demo-police"),
            new("fire-119", "fire", "Fire service 119", "demo-fire"),
            new("medical-120", "medical", "Emergency medical 120", "demo-medical"),
            new("street-office", "committee", "Street office", "demo-street-office"),
        };
        foreach (var h in households.Take(3))
            parties.Add(new($"home-{h.Id}", "resident", $"Household {h.Id}", $"demo-home-{h.Id}", Household: h.Id));
        return parties;
    }
}
