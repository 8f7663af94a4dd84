#!/usr/bin/env bash
# Live-sysfs throughput, as whole processes (run as root): reads and writes of model attributes through the FUSE
# mount inside "daxplug sim exec", compared with reads of this machine's real /sys, and the wall time of
# "daxctl online-memory" on the 1 TiB device of the built-in "tib" machine.
#   bash bench/live-sysfs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish src/Daxplug.Cli -c Release -o artifacts/bin >/dev/null
D=$PWD/artifacts/bin/daxplug

now() { date +%s%N; }
rate() { echo "$1 $(( $2 * 1000000000 / ($4 - $3) ))/s"; }

t0=$(now); for i in $(seq 1000); do cat /sys/devices/system/memory/memory40/valid_zones >/dev/null; done; t1=$(now)
rate "host /sys: cat valid_zones" 1000 "$t0" "$t1"
t0=$(now); for i in $(seq 20000); do read -r x < /sys/devices/system/memory/memory40/valid_zones; done; t1=$(now)
rate "host /sys: bash read valid_zones" 20000 "$t0" "$t1"

"$D" sim exec --kernel 7.2 -- bash -c '
  now() { date +%s%N; }
  rate() { echo "$1 $(( $2 * 1000000000 / ($4 - $3) ))/s"; }
  f=/sys/devices/system/memory/memory40/valid_zones
  s=/sys/devices/system/memory/memory600/state
  t0=$(now); for i in $(seq 1000); do cat $f >/dev/null; done; t1=$(now)
  rate "model over FUSE: cat valid_zones" 1000 $t0 $t1
  t0=$(now); for i in $(seq 20000); do read -r x < $f; done; t1=$(now)
  rate "model over FUSE: bash read valid_zones" 20000 $t0 $t1
  t0=$(now); for i in $(seq 5000); do echo online_movable > $s; echo offline > $s; done; t1=$(now)
  rate "model over FUSE: state writes (online_movable/offline)" 10000 $t0 $t1
' 2>&1 | grep -v "max threads"

"$D" sim exec --machine tib --kernel 7.2 -- bash -c '
  t0=$(date +%s%N); daxctl online-memory dax0.0 2>&1; t1=$(date +%s%N)
  echo "daxctl online-memory, 1 TiB (8192 blocks) over FUSE: $(( (t1 - t0) / 1000000 )) ms"
  echo "online blocks: $(grep -l "^online" /sys/devices/system/memory/memory*/state | wc -l)"
' 2>&1 | grep -v "max threads"

# The controller on the same 1 TiB device through the mount: with the attribute (hotplug) and as a per-block
# transaction (mainline), against daxctl's per-block loop above.
for abi in 7.3 7.2; do
  "$D" sim exec --machine tib --kernel $abi -- bash -c "
    sd=\$(mktemp -d)
    t0=\$(date +%s%N); $D --sysroot / --state-dir \$sd set dax0.0 online_movable --yes; t1=\$(date +%s%N)
    echo \"daxplug set ($abi), 1 TiB over FUSE: \$(( (t1 - t0) / 1000000 )) ms\"
    rm -rf \$sd
  " 2>&1 | grep -v "max threads"
done

# Listing this machine's memory (read only): daxplug blocks vs lsmem, five interleaved rounds of 100 runs each
# (start-up is most of either's time, so the machine's noise is averaged over rounds, not runs).
per_run() { local t0 t1; t0=$(now); for i in $(seq 100); do "$@" >/dev/null; done; t1=$(now); echo $(( (t1 - t0) / 100000 )); }
a=0; b=0
for round in 1 2 3 4 5; do
  a=$(( a + $(per_run "$D" blocks) )); b=$(( b + $(per_run lsmem) ))
done
echo "lsmem on this host: $(( b / 5 )) us per run"
echo "daxplug blocks on this host: $(( a / 5 )) us per run"
