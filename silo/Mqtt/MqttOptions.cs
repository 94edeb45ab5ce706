using System.ComponentModel.DataAnnotations;

namespace Twin.Silo.Mqtt;

/// <summary>Section <c>Twin:Mqtt</c>. With no <see cref="Host"/>, the silo runs its own broker on 127.0.0.1:<see cref="Port"/>.</summary>
public sealed class MqttOptions
{
    public const string Section = "Twin:Mqtt";

    /// <summary>An external broker's host (mosquitto, EMQX). Empty: start the embedded broker.</summary>
    public string? Host { get; set; }

    [Range(0, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>The address the embedded broker binds to.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Stable per silo, so a restarted silo resumes its session and gets what it had not acknowledged.</summary>
    public string? ClientId { get; set; }

    /// <summary>Subscribe through <c>$share/twin/...</c> so several silos split the devices. Defaults to on with an external broker.</summary>
    public bool? SharedSubscription { get; set; }

    public bool AllowAnonymous { get; set; } = true;

    /// <summary>Ordered lanes: messages of one twin always take the same lane, so they are applied in order.</summary>
    [Range(1, 1024)]
    public int IngestLanes { get; set; } = 32;

    [Range(1, 1_000_000)]
    public int LaneCapacity { get; set; } = 256;

    [Range(1, 10_000_000)]
    public int OutboxCapacity { get; set; } = 200_000;

    /// <summary>Ordered lanes of the outbox; a topic always takes the same lane. Empty: <see cref="OutboxLaneCount"/> decides.</summary>
    [Range(1, 1024)]
    public int? OutboxLanes { get; set; }

    /// <summary>
    /// <see cref="OutboxLanes"/>, or by default: to an external broker a lane sends one message at a time and waits for its
    /// ack at QoS 1, so many lanes keep many twins' states on their way at once (32). Into the embedded broker a lane's
    /// hand-over is CPU work that ends with the subscribers' queues, so lanes beyond the cores only fight over those
    /// queues' locks: twice the cores (BENCHMARKS.md, *Before and after*).
    /// </summary>
    public int OutboxLaneCount => OutboxLanes ?? (InProcess ? 2 * Environment.ProcessorCount : 32);

    /// <summary>
    /// With the embedded broker, ingestion and the outbox take and give messages inside the process (the default). On:
    /// they connect to it over TCP like to an external broker, as before; kept to measure the difference (BENCHMARKS.md).
    /// </summary>
    public bool EmbeddedLoopback { get; set; }

    /// <summary>
    /// The longest the embedded broker keeps the session of a client that went away: shorter when the client asked for
    /// less when it connected (MQTT 5's session expiry), this long when it asked for more or for none at all (an MQTT 3.1.1 client without
    /// a clean session never expires by itself). mosquitto's <c>persistent_client_expiration</c>.
    /// </summary>
    public TimeSpan MaxSessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the embedded broker looks for sessions that are over, and samples its gauges.</summary>
    public TimeSpan SessionCheckEvery { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsEmbedded => string.IsNullOrWhiteSpace(Host);

    /// <summary>Ingestion and the outbox use the embedded broker in process, with no client connection of their own.</summary>
    public bool InProcess => IsEmbedded && !EmbeddedLoopback;

    public string BrokerHost => IsEmbedded ? BindAddress : Host!;

    public bool UseSharedSubscription => SharedSubscription ?? !IsEmbedded;
}
