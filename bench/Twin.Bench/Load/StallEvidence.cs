using Twin.Bench.Processes;
using Twin.Bench.Reporting;

namespace Twin.Bench.Load;

/// <summary>
/// When a run ends with messages that never came back, what the kernel says of every TCP socket at that moment
/// (<c>ss -tnpi</c>: each socket's unsent and unread bytes, its window, what limited it and which process holds it),
/// written next to the run's logs, with what each running silo says of its own queues (its <c>twin_</c> metrics, read
/// twice a second apart, so what still moves shows). A stall that outlives the drain wait is still going on then, so
/// this is where it sits: a receive window shrunk to nothing, a sender holding data, a reader that stopped reading, a
/// silo whose lanes or outbox hold the messages.
/// </summary>
public static class StallEvidence
{
    static readonly Lock gate = new();
    static readonly List<(string Name, Func<Task<string>> Read)> sources = [];
    static Workspace? workspace;
    static int captured;

    public static void KeepIn(Workspace runWorkspace) => workspace = runWorkspace;

    /// <summary>Adds what a running process says of itself to every capture, until the returned handle is disposed.</summary>
    public static IDisposable Include(string name, Func<Task<string>> read)
    {
        var source = (name, read);
        lock (gate)
            sources.Add(source);
        return new Removal(() => { lock (gate) sources.Remove(source); });
    }

    sealed class Removal(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }

    static async Task<string> Sources()
    {
        List<(string Name, Func<Task<string>> Read)> now;
        lock (gate)
            now = [.. sources];
        var text = new System.Text.StringBuilder();
        foreach (var (name, read) in now)
        {
            string said;
            try
            {
                said = await read();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.ComponentModel.Win32Exception or IOException)
            {
                said = $"(could not be read: {e.Message})";
            }
            text.Append($"--- {name}, {DateTime.UtcNow:HH:mm:ss.fff}\n{said}\n");
        }
        return text.ToString();
    }

    public static async Task Capture(long missing)
    {
        if (workspace is null)
            return;
        var file = workspace.File($"stall-{Interlocked.Increment(ref captured)}.txt");
        try
        {
            var (_, sockets) = await ChildProcess.Run("ss", "-tnpi", "state", "established");
            var first = await Sources();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var second = await Sources();
            await File.WriteAllTextAsync(file, $"{DateTime.UtcNow:O}: {missing:N0} messages not seen back after the drain wait\n\n{sockets}\n{first}\n{second}");
            Report.Step($"{missing:N0} messages not seen back: the sockets at that moment are in {file}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            Report.Step($"{missing:N0} messages not seen back; could not run ss for the sockets: {e.Message}");
        }
    }
}
