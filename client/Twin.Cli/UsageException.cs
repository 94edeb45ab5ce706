namespace Twin.Cli;

/// <summary>The command line or the configuration asks for something that cannot work; exits with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException(string message) : Exception(message);
