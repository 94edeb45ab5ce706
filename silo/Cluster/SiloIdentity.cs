using System.Net;

namespace Twin.Silo.Cluster;

/// <summary>
/// Section <c>Twin:Silo</c>: who this silo is in the cluster. The name is stable across restarts (it is derived from
/// the machine and the silo port unless set), because the MQTT ingestion session is named after it: a silo that comes
/// back resumes its session, and the others can find the session of a silo that died.
/// </summary>
public sealed class SiloIdentity
{
    public const string Section = "Twin:Silo";

    public string? Name { get; set; }

    public int Port { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one on. Loopback by default: one machine.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Silos with the same cluster id on the same database form one cluster.</summary>
    public string ClusterId { get; set; } = "twin";

    public string SiloName => string.IsNullOrWhiteSpace(Name) ? $"{Environment.MachineName.ToLowerInvariant()}-{Port}" : Name;

    public IPAddress AdvertisedAddress => IPAddress.Parse(Address);
}
