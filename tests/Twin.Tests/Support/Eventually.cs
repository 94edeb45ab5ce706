namespace Twin.Tests.Support;

/// <summary>Polls until a condition holds or the deadline passes: the tests' only way of waiting.</summary>
static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}. Last seen: {last}");
            await Task.Delay(50);
            last = await probe();
        }
        return last;
    }

    public static Task True(Func<Task<bool>> probe, string what, TimeSpan? within = null) => Get(probe, ok => ok, what, within);
}
