using Twin.Silo.Mqtt;

namespace Twin.Silo.Cluster;

/// <summary>
/// When the cluster declares a silo dead, one survivor (the active silo with the lowest address, so exactly one)
/// drains that silo's MQTT ingestion session. A broker such as mosquitto keeps routing a shared subscription's
/// messages to a disconnected persistent session, so without this a dead silo's share of the devices would wait
/// for it to come back.
/// </summary>
public sealed class DeadSiloSessions(IClusterMembershipService membership, ILocalSiloDetails local, MqttIngestion ingestion, ILogger<DeadSiloSessions> logger)
    : BackgroundService
{
    readonly HashSet<SiloAddress> handled = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!ingestion.SharesSubscription)
            return;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
                await Handle(snapshot, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    async Task Handle(ClusterMembershipSnapshot snapshot, CancellationToken stoppingToken)
    {
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).ToList();
        if (active.Count == 0)
            return;
        var survivorInCharge = active.Select(m => m.SiloAddress).Min();
        foreach (var dead in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead))
        {
            if (!handled.Add(dead.SiloAddress))
                continue;
            // Restarted under the same name: it has resumed its session itself.
            if (active.Any(a => a.Name == dead.Name) || !local.SiloAddress.Equals(survivorInCharge) || string.IsNullOrEmpty(dead.Name))
                continue;
            try
            {
                await ingestion.DrainSessionOf(dead.Name, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.DrainFailed(logger, dead.Name, e.Message);
            }
        }
    }
}
