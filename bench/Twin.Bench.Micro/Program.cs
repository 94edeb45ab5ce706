using BenchmarkDotNet.Running;

namespace Twin.Bench.Micro;

/// <summary>
/// Micro-benchmarks of what a twin does per device message, without Orleans: parsing, the rules, the state it publishes.
/// <c>dotnet run -c Release --project bench/Twin.Bench.Micro -- --filter '*' --job short</c>
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
