namespace Twin.Silo.Mqtt;

/// <summary>
/// What an external broker says it is (<c>$SYS/broker/version</c>, which mosquitto keeps retained), and whether that
/// version is known to lose the messages Twin relies on.
/// </summary>
public static class BrokerVersion
{
    public const string Topic = "$SYS/broker/version";

    const string Mosquitto = "mosquitto version ";

    /// <summary>
    /// Why the broker that calls itself <paramref name="version"/> loses messages, or null when nothing is known
    /// against it. mosquitto 2.0 before 2.0.13 counts a client's messages in flight against
    /// <c>max_queued_messages</c>, and once a burst has overrun the client's receive maximum it sends queued messages
    /// past that maximum; so a busy subscriber's QoS 1 messages are dropped with only a few thousand outstanding. The
    /// benchmark's subscriber lost 41,817 messages that way in six 15 s runs, and through a silo on Debian's default
    /// settings 3,921 of the twins' states in three 20 s runs (BENCHMARKS.md, Before and after, 30).
    /// </summary>
    public static string? KnownLoss(string version)
    {
        if (!version.StartsWith(Mosquitto, StringComparison.Ordinal)
            || !Version.TryParse(version[Mosquitto.Length..].Trim(), out var parsed))
            return null;
        if (parsed.Major != 2 || parsed.Minor != 0 || parsed.Build >= 13)
            return null;
        return "mosquitto before 2.0.13 drops QoS 1 messages to a busy subscriber once its messages in flight and queued together "
            + "reach max_queued_messages (1,000 unless set): measured here on the twins' states to a subscriber, and device messages to "
            + "Twin's ingestion are at the same risk. Upgrade mosquitto to 2.0.13 or later, or set max_queued_messages 0 with "
            + "persistent_client_expiration (docs/durable.md).";
    }
}
