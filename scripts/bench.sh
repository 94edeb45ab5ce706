#!/usr/bin/env bash
# Twin's benchmarks (see BENCHMARKS.md). Installs mosquitto and PostgreSQL 15 if missing (Debian packages), builds the
# silo and the load driver in Release, runs them and prints a table; the table is also written to bench/results/.
#
#   scripts/bench.sh                         the quick run: every section once, 10k twins (about 4 minutes)
#   scripts/bench.sh --profile full          3 runs of each, 10k and 100k twins, 50 drills (what BENCHMARKS.md reports)
#   scripts/bench.sh --only relay,latency    some sections: scale relay mosquitto latency safety fanout broker durable
#   scripts/bench.sh --micro                 the BenchmarkDotNet micro-benchmarks (parsing, rules, state out)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--micro" ]; then
  shift
  exec dotnet run -c Release --project bench/Twin.Bench.Micro -- --filter '*' --job short "$@"
fi

scripts/install-test-deps.sh mosquitto postgres
echo "bench: building the silo and the load driver (Release)"
dotnet build bench/Twin.Bench -c Release -nologo -v q -clp:ErrorsOnly
exec dotnet bench/Twin.Bench/bin/Release/net10.0/twin-bench.dll "$@"
