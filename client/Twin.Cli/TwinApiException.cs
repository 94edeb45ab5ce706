namespace Twin.Cli;

/// <summary>The API answered, but not with success: <see cref="Status"/> and the problem's detail (or title).</summary>
public sealed class TwinApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public int ExitCode => Status is >= 400 and < 500 ? ExitCodes.Refused : ExitCodes.Unavailable;
}

/// <summary>The API could not be reached, did not answer in time, or dropped the connection.</summary>
public sealed class TwinApiUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
