#!/usr/bin/env bash
# Start-up of the NativeAOT binary, as whole processes: "daxplug blocks" on this machine's /sys (read only) and
# "daxplug --sim list" on a fresh state directory, five interleaved rounds of 100 runs each (start-up is most of
# either's time, so the machine's noise is averaged over rounds, not runs).
#   bash bench/startup.sh [BINARY]     (default: publishes artifacts/bin/daxplug first)
set -euo pipefail
cd "$(dirname "$0")/.."
D=${1:-}
if [ -z "$D" ]; then
  dotnet publish src/Daxplug.Cli -c Release -o artifacts/bin >/dev/null
  D=$PWD/artifacts/bin/daxplug
fi
sd=$(mktemp -d)
trap 'rm -rf "$sd"' EXIT
now() { date +%s%N; }
per_run() { local t0 t1; t0=$(now); for i in $(seq 100); do "$@" >/dev/null; done; t1=$(now); echo $(( (t1 - t0) / 100000 )); }
"$D" --state-dir "$sd" --sim list >/dev/null # the first run boots the machine and saves its state
a=0; b=0
for round in 1 2 3 4 5; do
  a=$(( a + $(per_run "$D" blocks) )); b=$(( b + $(per_run "$D" --state-dir "$sd" --sim list) ))
done
echo "daxplug blocks: $(( a / 5 )) us per run"
echo "daxplug --sim list: $(( b / 5 )) us per run"
