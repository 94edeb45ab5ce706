namespace Twin.Bench.Micro;

/// <summary>
/// Checks, once per benchmark class in <c>[GlobalSetup]</c>, that a benchmark measures what its name says: a wrong
/// setup then stops the run instead of producing a meaningless figure. Benchmarks themselves assert nothing.
/// </summary>
static class SetupCheck
{
    public static void Require(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException($"Benchmark setup is wrong: {what}");
    }
}
