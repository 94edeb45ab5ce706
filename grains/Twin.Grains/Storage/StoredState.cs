namespace Twin.Storage;

public static class StoredState
{
    /// <summary>
    /// Writes the grain's state; if the write fails (the database is down), the activation is dropped, so the caller's
    /// retry meets a fresh activation holding what was really stored, not this one's unsaved changes.
    /// </summary>
    public static async Task WriteOrDeactivate<TState>(this IPersistentState<TState> store, IGrainBase grain)
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
