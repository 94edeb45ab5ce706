using System.Collections.Immutable;

namespace Twin.Twins;

/// <summary>
/// A command sent to a device and not yet confirmed. It is confirmed by a <c>command_ack</c> event or by the device
/// reporting every field of <see cref="ConfirmedBy"/>; it is resent with back-off until its deadline, then it fails.
/// </summary>
[GenerateSerializer, Immutable, Alias("twin.pending-command")]
public sealed record PendingCommand(
    [property: Id(0)] string Id,
    [property: Id(1)] string Command,
    [property: Id(2)] ImmutableDictionary<string, FieldValue> Args,
    [property: Id(3)] string Reason,
    [property: Id(4)] ImmutableDictionary<string, FieldValue> ConfirmedBy,
    [property: Id(5)] DateTimeOffset IssuedAt,
    [property: Id(6)] DateTimeOffset Deadline,
    [property: Id(7)] int Attempts,
    [property: Id(8)] DateTimeOffset NextAttemptAt,
    [property: Id(9)] string? IssuedBy,
    [property: Id(10)] bool Drill = false);

/// <summary>What the device receives on <c>twin/{kind}/{id}/command</c>.</summary>
/// <remarks><see cref="Drill"/> is written only for a drill (<c>"drill": true</c>), so devices that ignore drills need not know it.</remarks>
public sealed record CommandMessage(string Command, ImmutableDictionary<string, FieldValue> Args, string Reason, string Id, bool? Drill = null)
{
    public static CommandMessage From(PendingCommand pending) =>
        new(pending.Command, pending.Args, pending.Reason, pending.Id, pending.Drill ? true : null);
}
