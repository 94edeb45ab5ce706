using Twin.Boards;

namespace Twin.Notices;

/// <summary>
/// A notice to residents: for the whole community, or for one building. A closed poll publishes its result as one.
/// </summary>
[GenerateSerializer, Immutable, Alias("twin.notice")]
public sealed record NoticeView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Community,
    [property: Id(2)] string? Building,
    [property: Id(3)] string Title,
    [property: Id(4)] string Text,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string By,
    [property: Id(7)] string? Source,
    [property: Id(8)] long Version = 1) : IBoardItem
{
    public static string NewId(DateTimeOffset now) => $"nt-{now:yyyyMMdd}-{Guid.NewGuid():N}"[..20];
}
