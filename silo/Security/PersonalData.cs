using System.Collections.Immutable;
using Twin.Audit;
using Twin.Incidents;
using Twin.Silo.Topology;
using Twin.Twins;

namespace Twin.Silo.Security;

/// <summary>
/// Decides, for one party and one twin, whether the personal data in it may be shown and why (DESIGN §7), strips it
/// otherwise, and records every read that shows it in the audit log before answering.
/// </summary>
public sealed class PersonalData(IGrainFactory grains, Provisioner provisioner, TimeProvider clock)
{
    static readonly ImmutableDictionary<string, string[]> IncidentTypesByResponder = new Dictionary<string, string[]>
    {
        ["fire"] = [IncidentTypes.Fire, IncidentTypes.GasLeak],
        ["medical"] = [IncidentTypes.Medical],
    }.ToImmutableDictionary();

    /// <param name="full">The twin with its personal data.</param>
    public async Task<TwinView> Show(Party party, TwinView full, string channel)
    {
        var fields = full.PersonalFields();
        if (fields.IsEmpty)
            return full;
        var purpose = await PurposeFor(party, full);
        if (purpose is null)
            return full.WithoutPersonalData();
        await grains.GetAuditLog(full.Community).Record(new AuditEntry(clock.GetUtcNow(), party.Id, party.Role, $"{full.Kind}/{full.Id}", fields, purpose, channel));
        return full;
    }

    /// <summary>Why this party may see this twin's personal data, or null when it may not.</summary>
    async Task<string?> PurposeFor(Party party, TwinView twin)
    {
        switch (party.Role)
        {
            case Party.AdminRole:
                return "administration";
            case "committee":
                return "residents' committee: care of residents";
            case "grid" when party.Buildings.IsEmpty || (twin.Building is { } b && party.Buildings.Contains(b)):
                return "grid worker: care of residents in their buildings";
            case "resident" when twin.Kind == TwinKinds.Household && twin.Id == party.Household:
                return "own household";
            case "police" when twin.Kind == TwinKinds.Camera:
                return "police: face matches";
            case "fire" or "medical" when twin.Kind == TwinKinds.Household && provisioner.Community is { } community:
                var types = IncidentTypesByResponder[party.Role];
                var incident = (await grains.GetIncidentDesk(community).List("active"))
                    .FirstOrDefault(i => types.Contains(i.Type) && !i.Drill && (i.Building == twin.Building || i.Twin == $"{twin.Kind}/{twin.Id}"));
                return incident is null ? null : $"{party.Role}: active {incident.Type} incident {incident.Id}";
            default:
                return null;
        }
    }
}
