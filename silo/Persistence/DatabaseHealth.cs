using Npgsql;

namespace Twin.Silo.Persistence;

/// <summary>Whether PostgreSQL answers, as /health reports it: probed every few seconds and told by every history write.</summary>
public sealed class DatabaseHealth(NpgsqlDataSource database, ILogger<DatabaseHealth> logger) : BackgroundService
{
    static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(2);
    readonly Lock gate = new();
    string? problem;
    DateTimeOffset? downSince;

    public bool IsUp
    {
        get { lock (gate) return problem is null; }
    }

    /// <summary>"up", or what went wrong and since when.</summary>
    public string Describe()
    {
        lock (gate)
            return problem is null ? "up" : $"down since {downSince:HH:mm:ss}: {problem}";
    }

    public void Succeeded()
    {
        lock (gate)
        {
            if (problem is null)
                return;
            Log.DatabaseBack(logger, (DateTimeOffset.UtcNow - downSince!.Value).TotalSeconds);
            problem = null;
            downSince = null;
        }
    }

    public void Failed(Exception error)
    {
        lock (gate)
        {
            if (problem is null)
            {
                downSince = DateTimeOffset.UtcNow;
                Log.DatabaseDown(logger, error.Message);
            }
            problem = error.Message;
        }
    }

    async Task Probe(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(ProbeEvery);
        await using var command = database.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(timeout.Token);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Probe(stoppingToken);
                Succeeded();
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Idle pooled connections may date from before a database restart: drop them and ask once more
                // before calling the database down.
                database.Clear();
                try
                {
                    await Probe(stoppingToken);
                    Succeeded();
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    Failed(e is OperationCanceledException ? new TimeoutException($"no answer within {ProbeEvery.TotalSeconds:0} s") : e);
                }
            }
            try
            {
                await Task.Delay(ProbeEvery, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
