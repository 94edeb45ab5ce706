using System.Text;
using System.Text.Json;
using Twin.Schema;

namespace Twin.Silo.Mqtt;

/// <summary>A message that could not be applied goes to <c>twin/deadletter</c> with its reason, is counted, and is logged.</summary>
public sealed class DeadLetters(MqttOutbox outbox, IngestMetrics metrics, TimeProvider clock, ILogger<DeadLetters> logger)
{
    public const int PayloadExcerptBytes = 1024;

    public void Send(string topic, ReadOnlySpan<byte> payload, Rejection rejection)
    {
        var excerpt = payload.Length <= PayloadExcerptBytes ? payload : payload[..PayloadExcerptBytes];
        var letter = new DeadLetter(topic, rejection.Reason, rejection.Code,
            Encoding.UTF8.GetString(excerpt), payload.Length, payload.Length > PayloadExcerptBytes, clock.GetUtcNow());
        outbox.Publish(Topics.DeadLetter, JsonSerializer.SerializeToUtf8Bytes(letter, TwinJson.Options), retain: false, "deadletter");
        metrics.DeadLetter(rejection.Code);
        Log.DeadLetter(logger, topic, rejection.Code, rejection.Reason);
    }

    sealed record DeadLetter(string Topic, string Reason, string Code, string Payload, int PayloadBytes, bool Truncated, DateTimeOffset ReceivedAt);
}
