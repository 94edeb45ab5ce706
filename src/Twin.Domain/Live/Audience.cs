using System.Collections.Immutable;

namespace Twin.Live;

/// <summary>
/// Who may see a change on the live stream: staff of <see cref="Roles"/> (grid workers only for
/// <see cref="Building"/>, when one is set), the residents of <see cref="Household"/>, and — when
/// <see cref="Residents"/> is set — every resident of <see cref="Building"/>, or of the community when it is null.
/// </summary>
[GenerateSerializer, Immutable, Alias("twin.audience")]
public sealed record Audience(
    [property: Id(0)] ImmutableArray<string> Roles,
    [property: Id(1)] string? Building = null,
    [property: Id(2)] string? Household = null,
    [property: Id(3)] bool Residents = false)
{
    /// <param name="household">The party's household, for a resident.</param>
    /// <param name="householdBuilding">The building of that household.</param>
    /// <param name="scope">The buildings a grid worker looks after; empty for all.</param>
    public bool Admits(string role, string? household, string? householdBuilding, ImmutableArray<string> scope)
    {
        if (role == Parties.Roles.Resident)
            return (Household is not null && Household == household)
                || (Residents && household is not null && (Building is null || Building == householdBuilding));
        if (!Roles.Contains(role))
            return false;
        return role != Parties.Roles.Grid || Building is null || scope.IsDefaultOrEmpty || scope.Contains(Building);
    }
}

/// <summary>Where the participation and care grains send their changes for the live stream. Must not block.</summary>
public interface ILiveUpdates
{
    /// <param name="event">The SSE event name: feedback, poll, notice, welfare.</param>
    void Publish(string @event, string? building, object data, Audience audience);
}
