using System.Collections.Concurrent;
using System.Collections.Immutable;
using Twin.Communities;
using Twin.Incidents;
using Twin.Silo.Security;
using Twin.Topology;
using Twin.Twins;

namespace Twin.Silo.Topology;

/// <summary>Carries out a <see cref="TopologyPlan"/>: defines the community, provisions every twin, registers parties.</summary>
public sealed class Provisioner(IGrainFactory grains, PartyRegistry parties, DeviceCredentials devices, ILogger<Provisioner> logger)
{
    const int Parallelism = 64;
    readonly ConcurrentDictionary<string, byte> knownBuildings = new();

    /// <summary>The community this silo serves, once a topology was loaded.</summary>
    public string? Community { get; private set; }

    public async Task<ProvisionReport> Apply(TopologyDocument document, CancellationToken cancellationToken)
    {
        var plan = TopologyPlan.From(document, Community, knownBuildings.Keys.ToHashSet());
        var playbooks = Playbooks.WithOverrides(document.Playbooks, out var playbookProblems);
        if (!plan.IsValid || playbookProblems.Count > 0)
            return new ProvisionReport(plan.Community, [], [], 0, 0, [.. plan.Problems, .. playbookProblems]);
        if (Community is not null && plan.Community != Community)
            return new ProvisionReport(plan.Community, [], [], 0, 0,
                [$"this silo serves community '{Community}'; a document for '{plan.Community}' belongs to another deployment"]);

        await grains.GetCommunity(plan.Community).Define(plan.CommunityName, plan.Buildings);
        var firstLoad = Community is null;
        Community = plan.Community;
        foreach (var building in plan.Buildings)
            knownBuildings.TryAdd(building, 0);

        var added = new ConcurrentBag<string>();
        var changed = new ConcurrentBag<string>();
        var unchanged = 0;
        await Parallel.ForEachAsync(plan.Twins, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (twin, _) =>
            {
                switch (await grains.GetTwin(twin.Twin).Provision(twin))
                {
                    case ProvisionOutcome.Added: added.Add(twin.Twin.ToString()); break;
                    case ProvisionOutcome.Changed: changed.Add(twin.Twin.ToString()); break;
                    default: Interlocked.Increment(ref unchanged); break;
                }
            });
        await grains.GetCommunity(plan.Community).AddMembers([.. plan.Twins.Select(t => t.Twin.ToString())]);
        var partiesChanged = parties.Merge(document.Parties);
        devices.Merge(document.Devices);
        // The first document sets every playbook (defaults plus its overrides); later ones change only what they name.
        if (firstLoad || document.Playbooks.Count > 0)
            await grains.GetIncidentDesk(plan.Community).SetPlaybooks(playbooks);
        Log.Provisioned(logger, plan.Community, added.Count, changed.Count, unchanged, partiesChanged);
        return new ProvisionReport(plan.Community, [.. added.Order(StringComparer.Ordinal)], [.. changed.Order(StringComparer.Ordinal)], unchanged, partiesChanged, []);
    }
}

public sealed record ProvisionReport(
    string Community,
    ImmutableArray<string> Added,
    ImmutableArray<string> Changed,
    int Unchanged,
    int PartiesAddedOrChanged,
    ImmutableArray<string> Problems);
