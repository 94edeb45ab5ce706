namespace Twin.Silo.Mqtt;

/// <summary>When the embedded broker may forget the session of a client that went away.</summary>
public static class SessionLifetime
{
    /// <summary>
    /// The session of a client disconnected since <paramref name="disconnectedAt"/> (null: connected) is over once the
    /// expiry its client asked for when it connected has passed (MQTTnet keeps the CONNECT's, whatever a DISCONNECT says), or <paramref name="longest"/> if that is shorter or the client set none: an MQTT 5
    /// expiry of 0 that still has a session (its DISCONNECT asked to keep it) and an MQTT 3.1.1 client without a clean
    /// session both read as 0, and 0xFFFFFFFF means never.
    /// </summary>
    public static bool IsOver(DateTime? disconnectedAt, uint expirySeconds, DateTime now, TimeSpan longest)
    {
        if (disconnectedAt is not { } since)
            return false;
        var own = expirySeconds is 0 or uint.MaxValue ? longest : TimeSpan.FromSeconds(expirySeconds);
        return now - since >= (own < longest ? own : longest);
    }
}
