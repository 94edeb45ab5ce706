#!/usr/bin/env bash
# Runs every test of Twin and ends with "N passed, N failed", counted from the test results (TRX).
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Lamps]
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh || { echo "0 passed, 0 failed"; echo "test: could not install the test dependencies" >&2; exit 1; }

results="$(mktemp -d "${TMPDIR:-/tmp}/twin-test-results.XXXX")"
dotnet test Twin.sln --configuration Release --logger "trx;LogFilePrefix=twin" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; total=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); total=$((total + ${t:-0}))
done
echo "test results: $results"
echo "$passed passed, $failed failed"
if [ "$total" -eq 0 ]; then echo "test: no test was executed" >&2; exit 1; fi
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
exit 0
