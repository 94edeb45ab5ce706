namespace Twin.Storage;

/// <summary>
/// Group commit for a reentrant grain whose stored state is one growing list: the changes made while a write is under
/// way share the next write. Each caller still returns only once a write holding its change has finished, so what a
/// caller was told is stored is stored; but a board of ten thousand items is no longer serialized once per item, which
/// made provisioning a community quadratic in its size. Runs on the activation's scheduler, so it needs no lock.
/// </summary>
public sealed class GroupedWrites(Func<Task> write)
{
    TaskCompletionSource? next;
    bool writing;

    /// <summary>Completes when a write that began after this call has finished; fails with that write's error.</summary>
    public Task Write()
    {
        if (next is not null)
            return next.Task;
        next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var written = next.Task;
        if (!writing)
            _ = WriteUntilNothingWaits();
        return written;
    }

    async Task WriteUntilNothingWaits()
    {
        writing = true;
        while (next is { } batch)
        {
            next = null;
            try
            {
                await write();
                batch.SetResult();
            }
            catch (Exception e)
            {
                batch.SetException(e);
            }
        }
        writing = false;
    }
}
