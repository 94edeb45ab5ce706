using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Twin.Tests.Support;

/// <summary>Keeps what the silo in a test logged, so a test can check what an operator would read.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    readonly ConcurrentQueue<(int EventId, LogLevel Level, string Message)> entries = new();

    public IEnumerable<string> Messages(int eventId) => entries.Where(e => e.EventId == eventId).Select(e => e.Message);

    public ILogger CreateLogger(string categoryName) => new Recorder(entries);

    public void Dispose()
    {
    }

    sealed class Recorder(ConcurrentQueue<(int, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
        }
    }
}
