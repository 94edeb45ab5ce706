using System.Collections.Immutable;
using System.Text.Json;
using Orleans.Serialization;
using Twin.Incidents;
using Twin.Twins;

namespace Twin.Silo.Topology;

/// <summary>
/// Once the community is loaded, runs an incident that exists nowhere through the serializers the incident path uses
/// (stored state, the views on MQTT and the live streams, the timeline in the history, the devices' commands). Without
/// it the first fire alarm after a start waited a quarter of a second longer than any later one while the runtime
/// built them (BENCHMARKS.md, *Before and after*).
/// </summary>
public static class IncidentPathWarmup
{
    public static void Run(Serializer serializer)
    {
        var at = DateTimeOffset.UnixEpoch;
        var playbook = Playbooks.Defaults[IncidentTypes.Fire];
        var trigger = new IncidentTrigger("warm-up", IncidentTypes.Fire, "B0", "household/H0", "warm-up", "warm-up");
        var task = new IncidentTask("t1", "fire", ["fire-party"], "warm-up", TaskStatuses.Pending, at, at, TimeSpan.FromMinutes(1), [], null, null, null, null, "H0", 0);
        var state = IncidentState.Opened("warm-up", trigger, playbook, at, [task], [new(at, "warm-up", "warm-up")]) with
        {
            Households = ImmutableDictionary<string, HouseholdAccount>.Empty.Add("H0", new("H0", 1, HouseholdStatuses.Unaccounted, null, null, true)),
            Actions = [new("gate/G0", "set_mode", "c-0", ActionStatuses.Pending, at, null, "respond")],
        };
        serializer.Deserialize<IncidentState>(serializer.SerializeToArray(state));
        var view = IncidentView.Of(state);
        serializer.Deserialize<IncidentView>(serializer.SerializeToArray(view));
        JsonSerializer.SerializeToUtf8Bytes(view.WithoutPersonalData(), TwinJson.Options);
        JsonSerializer.SerializeToUtf8Bytes(state.Timeline[0], TwinJson.Options);
        JsonSerializer.SerializeToUtf8Bytes(new CommandMessage("set_mode", Fields.Of(("mode", "evacuation")), "warm-up", "c-0"), TwinJson.Options);
    }
}
