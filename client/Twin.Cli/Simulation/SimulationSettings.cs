using System.Globalization;
using System.Security.Cryptography;

namespace Twin.Cli.Simulation;

/// <summary>An MQTT broker's <c>host:port</c>; a bare host means port 1883, and IPv6 goes in brackets (<c>[::1]:1883</c>).</summary>
public sealed record BrokerAddress(string Host, int Port)
{
    public const int DefaultPort = 1883;
    public static readonly BrokerAddress Default = new("127.0.0.1", DefaultPort);

    public static BrokerAddress Parse(string text, string source)
    {
        var value = text.Trim();
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < value.Length && value[close + 1] != ':'))
                throw Bad(text, source);
            host = value[1..close];
            if (close + 1 < value.Length)
                port = value[(close + 2)..];
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon >= 0 && value.IndexOf(':', StringComparison.Ordinal) != colon)
                throw Bad(text, source);
            host = colon < 0 ? value : value[..colon];
            port = colon < 0 ? null : value[(colon + 1)..];
        }
        if (host.Length == 0 || host.Any(char.IsWhiteSpace) || host.Contains('/', StringComparison.Ordinal))
            throw Bad(text, source);
        if (port is null)
            return new BrokerAddress(host, DefaultPort);
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            throw Bad(text, source);
        return new BrokerAddress(host, number);
    }

    static UsageException Bad(string text, string source) =>
        new($"'{text}' (from {source}) is not a broker address: give host:port, e.g. 127.0.0.1:1883, or [::1]:1883 for IPv6.");

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

/// <summary>Everything <c>twin simulate</c> was asked to do, checked: <see cref="From"/> refuses what cannot work with a <see cref="UsageException"/>.</summary>
public sealed record SimulationSettings
{
    public const string BrokerVariable = "TWIN_MQTT";
    public const double DefaultRate = 20;
    public const double MaxRate = 100_000;
    public static readonly TimeOnly NightClock = new(23, 0);
    public static readonly TimeSpan DefaultFireAfter = TimeSpan.FromSeconds(5);
    static readonly string[] ScenarioNames = ["normal", "fire", "night"];

    /// <summary>The names of <see cref="Simulation.Scenario"/>, in its order.</summary>
    public static IReadOnlyList<string> Scenarios => ScenarioNames;

    public BrokerAddress Broker { get; init; } = BrokerAddress.Default;
    public string? Topology { get; init; }
    public int Devices { get; init; }
    public double Rate { get; init; } = DefaultRate;
    public TimeSpan? Duration { get; init; }
    public long? Count { get; init; }
    public Scenario Scenario { get; init; } = Scenario.Normal;

    /// <summary>The simulated time of day when the run starts; it then runs with the real clock.</summary>
    public TimeOnly Clock { get; init; }

    public TimeSpan FireAfter { get; init; } = DefaultFireAfter;
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string ClientId { get; init; } = NewClientId();

    public static string NewClientId() => $"twin-sim-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    public static string ScenarioName(Scenario scenario) => Scenarios[(int)scenario];

    /// <summary>Checks the options as given on the command line; <paramref name="localNow"/> is the clock normal runs start from.</summary>
    public static SimulationSettings From(
        string? broker, string? topology, int devices, double rate, double? durationSeconds, long? count, string? scenario,
        string? clock, double fireAfterSeconds, string? username, string? password, string? clientId,
        Func<string, string?> environment, TimeOnly localNow)
    {
        var address = !string.IsNullOrWhiteSpace(broker) ? BrokerAddress.Parse(broker, "--broker")
            : environment(BrokerVariable) is { Length: > 0 } fromEnvironment ? BrokerAddress.Parse(fromEnvironment, BrokerVariable)
            : BrokerAddress.Default;

        var index = Array.IndexOf(ScenarioNames, scenario ?? "normal");
        if (index < 0)
            throw new UsageException($"'{scenario}' is not a scenario; --scenario takes {string.Join(", ", Scenarios)}.");
        var kind = (Scenario)index;

        if (devices < 0)
            throw new UsageException($"--devices must be 0 (every device of the topology) or a positive number, not {devices}.");
        if (!double.IsFinite(rate) || rate <= 0 || rate > MaxRate)
            throw new UsageException($"--rate must be more than 0 and at most {MaxRate:0} messages per second, not {rate.ToString(CultureInfo.InvariantCulture)}.");
        if (durationSeconds is { } seconds && (!double.IsFinite(seconds) || seconds <= 0))
            throw new UsageException($"--duration must be a number of seconds more than 0, not {seconds.ToString(CultureInfo.InvariantCulture)}.");
        if (count is <= 0)
            throw new UsageException($"--count must be a number of messages more than 0, not {count}.");
        if (!double.IsFinite(fireAfterSeconds) || fireAfterSeconds < 0)
            throw new UsageException($"--fire-after must be a number of seconds, 0 or more, not {fireAfterSeconds.ToString(CultureInfo.InvariantCulture)}.");
        if (username is null && password is not null)
            throw new UsageException("--password needs --username.");
        var id = clientId?.Trim() is { Length: > 0 } given ? given : NewClientId();
        if (id.Length > 128)
            throw new UsageException("--client-id must be at most 128 characters.");

        return new SimulationSettings
        {
            Broker = address,
            Topology = string.IsNullOrWhiteSpace(topology) ? null : topology,
            Devices = devices,
            Rate = rate,
            Duration = durationSeconds is { } d ? TimeSpan.FromSeconds(d) : null,
            Count = count,
            Scenario = kind,
            Clock = clock is null ? kind == Scenario.Night ? NightClock : localNow : ParseClock(clock),
            FireAfter = TimeSpan.FromSeconds(fireAfterSeconds),
            Username = string.IsNullOrEmpty(username) ? null : username,
            Password = password,
            ClientId = id,
        };
    }

    static TimeOnly ParseClock(string text) =>
        TimeOnly.TryParseExact(text.Trim(), ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new UsageException($"--clock takes a time of day as HH:mm, e.g. 23:00 or 06:30, not '{text}'.");
}
