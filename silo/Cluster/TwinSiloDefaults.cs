using Orleans.Storage;

namespace Twin.Silo.Cluster;

public static class TwinSiloDefaults
{
    /// <summary>
    /// What every Twin silo needs from Orleans, whatever its storage — also the test cluster: grain state in Orleans'
    /// binary format (the state records are written for it; the default JSON cannot read immutable collections back),
    /// and a reminder minimum low enough for incidents' reminders.
    /// </summary>
    public static ISiloBuilder UseTwinDefaults(this ISiloBuilder silo, TimeSpan incidentReminderPeriod) => silo
        .ConfigureServices(services => services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>())
        .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = incidentReminderPeriod < o.MinimumReminderPeriod ? incidentReminderPeriod : o.MinimumReminderPeriod);
}
