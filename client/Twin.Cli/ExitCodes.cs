namespace Twin.Cli;

/// <summary>What <c>twin</c> exits with, so scripts can tell a typo from a refusal from an outage.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 2;
    public const int Refused = 3;
    public const int Unavailable = 4;
    public const int Interrupted = 130;
}
