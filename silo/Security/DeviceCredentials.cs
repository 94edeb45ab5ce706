using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Twin.Topology;

namespace Twin.Silo.Security;

/// <summary>
/// Per-device MQTT accounts from the topology's <c>devices</c> section: username → the twin it speaks for and the
/// SHA-256 of its secret (the topology never holds a secret).
/// </summary>
public sealed class DeviceCredentials
{
    ImmutableDictionary<string, (TwinId Twin, byte[] SecretHash)> byUsername = ImmutableDictionary<string, (TwinId, byte[])>.Empty;

    public int Count => byUsername.Count;

    public void Merge(IEnumerable<DeviceCredentialSpec> devices)
    {
        var next = byUsername;
        foreach (var device in devices)
            if (TwinId.TryParse(device.Twin, out var twin))
                next = next.SetItem(device.Username, (twin, Convert.FromHexString(device.SecretSha256)));
        byUsername = next;
    }

    /// <summary>The twin this device account speaks for, when the secret is right.</summary>
    public TwinId? Authenticate(string username, byte[]? password)
    {
        if (!byUsername.TryGetValue(username, out var device))
            return null;
        var presented = SHA256.HashData(password ?? []);
        return CryptographicOperations.FixedTimeEquals(presented, device.SecretHash) ? device.Twin : null;
    }
}

/// <summary>
/// The silo's own MQTT account. Against the embedded broker it is <c>twin-silo</c> with a secret made for this process
/// unless <c>Twin:Mqtt:Username</c>/<c>Password</c> are set; against an external broker it is whatever those say.
/// </summary>
public sealed class SiloMqttAccount
{
    public SiloMqttAccount(Microsoft.Extensions.Options.IOptions<Mqtt.MqttOptions> options)
    {
        var settings = options.Value;
        Username = settings.Username ?? (settings.IsEmbedded ? "twin-silo" : null);
        Password = settings.Password ?? (settings.IsEmbedded ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)) : null);
    }

    public string? Username { get; }
    public string? Password { get; }

    public bool Matches(string? username, byte[]? password) =>
        Username is not null && username == Username && Password is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Password), password ?? []);
}
