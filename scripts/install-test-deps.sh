#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK: mosquitto (a real external broker for the
# ingestion test against it), PostgreSQL 15 (the throwaway servers of scripts/postgres-dev.sh) and Chromium
# (the console's browser tests drive it with Playwright; a browser download is not possible here).
# Debian packages only; safe to run again.
set -euo pipefail

# With arguments, only those of: mosquitto postgres chromium (the benchmarks need no browser).
wanted=" ${*:-mosquitto postgres chromium} "
need=()
if [[ "$wanted" == *" mosquitto "* ]]; then
  command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
  command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
fi
[[ "$wanted" == *" postgres "* ]] && { [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15); }
[[ "$wanted" == *" chromium "* ]] && { [ -x /usr/bin/chromium ] || need+=(chromium); }
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-test-deps: need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-test-deps: installing ${need[*]}"
$sudo apt-get update -qq
# env, not a variable assignment in front of sudo: sudo resets the environment.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian package starts a system mosquitto on 1883; the tests start their own on a free port,
# and the embedded broker of `dotnet run --project silo` needs 1883 free.
if [[ " ${need[*]} " == *" mosquitto"* ]]; then
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now mosquitto >/dev/null 2>&1 || true; fi
  $sudo service mosquitto stop >/dev/null 2>&1 || true
  pkill -x mosquitto 2>/dev/null || true
fi
# Likewise the Debian package starts a system PostgreSQL cluster on 5432, the default port of `postgres-dev.sh start`.
if [[ " ${need[*]} " == *" postgresql-15 "* ]]; then
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
  $sudo service postgresql stop >/dev/null 2>&1 || true
  $sudo pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
fi
