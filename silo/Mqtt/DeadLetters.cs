using System.Text;
using System.Text.Json;
using Twin.Schema;

namespace Twin.Silo.Mqtt;

/// <summary>A message that could not be applied goes to <c>twin/deadletter</c> with its reason, is counted, and is logged.</summary>
public sealed class DeadLetters(MqttOutbox outbox, IngestMetrics metrics, TimeProvider clock, ILogger<DeadLetters> logger)
{
    public const int PayloadExcerptBytes = 1024;

    public void Send(string topic, ReadOnlySpan<byte> payload, Rejection rejection) => Send(topic, payload, payload.Length, rejection);

    /// <param name="payload">The payload, or its first bytes when the whole was too large to keep.</param>
    /// <param name="payloadBytes">The size of the whole payload as it arrived.</param>
    public void Send(string topic, ReadOnlySpan<byte> payload, long payloadBytes, Rejection rejection)
    {
        var excerpt = payload.Length <= PayloadExcerptBytes ? payload : payload[..PayloadExcerptBytes];
        var letter = new DeadLetter(topic, rejection.Reason, rejection.Code,
            Encoding.UTF8.GetString(excerpt), payloadBytes, payloadBytes > excerpt.Length, clock.GetUtcNow());
        outbox.Publish(Topics.DeadLetter, JsonSerializer.SerializeToUtf8Bytes(letter, TwinJson.Options), retain: false, "deadletter");
        metrics.DeadLetter(rejection.Code);
        Log.DeadLetter(logger, topic, rejection.Code, rejection.Reason);
    }

    sealed record DeadLetter(string Topic, string Reason, string Code, string Payload, long PayloadBytes, bool Truncated, DateTimeOffset ReceivedAt);
}
