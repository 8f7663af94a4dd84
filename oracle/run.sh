#!/bin/bash
# run.sh [--kernel 6.1|6.12|6.18|7.2|7.3|all] [--keep DIR] [SCENARIO...]
#
# The differential oracle: each scenario (scenarios/*.sh; all when none is named) runs twice — in the guest's /init
# on a real Debian kernel booted under QEMU, and inside `daxplug sim exec` on the built-in qemu machine as that
# release (`--kernel 6.18`; 7.3 with the series' state attribute), set up like that guest (auto_online_blocks,
# where KASLR put the kernel image, the dax char major). Both sides print the same lines (lib.sh); run.sh prints per scenario "identical (N lines)"
# or each differing line with the kernel's and the model's value. Exit 0 when every scenario is identical, 1 when
# some differ, 2 on a usage or setup error (e.g. the guest never printed its end line, twice). --kernel all runs
# every kernel of kernels.conf in turn (the full matrix) and exits with the worst of their codes.
#
# Needs root (sim exec), qemu-system-x86, busybox-static, cpio, plus what fetch.sh needs. DAXPLUG is the command
# that runs daxplug (e.g. "dotnet /path/daxplug.dll"; default: build src/Daxplug.Cli in Release and use it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
kernel=6.18
keep=
scenarios=()
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel) kernel=${2:?--kernel needs a value}; shift 2 ;;
        --keep) keep=${2:?--keep needs a directory}; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) scenarios+=("$1"); shift ;;
    esac
done
if [ "$kernel" = all ]; then
    worst=0
    for k in $(awk '!/^#/ && NF {print $1}' "$here/kernels.conf"); do
        echo "=== kernel $k"
        rc=0
        "$0" --kernel "$k" ${keep:+--keep "$keep/$k"} "${scenarios[@]}" || rc=$?
        if [ $rc -gt $worst ]; then worst=$rc; fi
    done
    exit $worst
fi
if [ ${#scenarios[@]} -eq 0 ]; then
    for s in "$here"/scenarios/*.sh; do scenarios+=("$(basename "$s" .sh)"); done
fi
for s in "${scenarios[@]}"; do
    [ -f "$here/scenarios/${s%.sh}.sh" ] || { echo "run.sh: no scenario '$s' in $here/scenarios" >&2; exit 2; }
done
for tool in qemu-system-x86_64 cpio gzip timeout; do
    command -v $tool >/dev/null || { echo "run.sh: $tool is missing (apt-get install qemu-system-x86 busybox-static cpio)" >&2; exit 2; }
done
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
    echo "run.sh: a static busybox is needed (apt-get install busybox-static)" >&2; exit 2
fi

kdir=$("$here/fetch.sh" "$kernel")
if [ -z "${DAXPLUG:-}" ]; then
    dotnet build "$repo/src/Daxplug.Cli" -c Release -v q -nologo >&2
    DAXPLUG=$repo/src/Daxplug.Cli/bin/Release/net10.0/daxplug
fi
read -ra daxplug <<< "$DAXPLUG"

# A scenario with "# userland: yes" runs daxctl and daxplug themselves: the NativeAOT daxplug (DAXPLUG_AOT, or
# published here once) and Debian's daxctl go into the guest with every library ldd names, and come first in the
# model's PATH, so that both sides run the same binaries.
aot=
userland() {
    if [ -n "$aot" ]; then return 0; fi
    command -v daxctl >/dev/null || { echo "run.sh: daxctl is missing (apt-get install daxctl)" >&2; exit 2; }
    aot=${DAXPLUG_AOT:-}
    if [ -z "$aot" ]; then
        dotnet publish "$repo/src/Daxplug.Cli" -c Release -o "$repo/src/Daxplug.Cli/bin/oracle-aot" -v q -nologo >&2
        aot=$repo/src/Daxplug.Cli/bin/oracle-aot/daxplug
    fi
    mkdir -p "$work/aot" && cp "$aot" "$work/aot/daxplug"
}

# with_libs ROOT FILE... — copy each file and the libraries ldd names to the same paths under ROOT
with_libs() {
    local root=$1 f lib
    shift
    for f in "$@"; do
        for lib in "$f" $(ldd "$f" | grep -o '/[^ ]*'); do
            mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
        done
    done
}

work=$(mktemp -d /tmp/daxplug-oracle.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -n "$keep" ]; then mkdir -p "$keep"; fi

# header SCENARIO KEY — a "# KEY: value" line of the scenario
header() { sed -n "s/^# $2: *//p" "$here/scenarios/$1.sh" | head -1; }

# guest SCENARIO OUT — boot the kernel with the scenario as part of /init; the scenario's lines go to OUT
guest() {
    local s=$1 out=$2 root=$work/root-$1
    rm -rf "$root" && mkdir -p "$root"/{bin,proc,sys,dev,modules,tmp}
    cp "$busybox" "$root/bin/busybox"
    cp "$kdir"/modules/*.ko "$root/modules/"
    cp "$here/init.sh" "$root/init" && chmod +x "$root/init"
    cp "$here/lib.sh" "$root/lib.sh"
    cp -r "$here/selftests" "$root/selftests"
    local tool
    for tool in $(header "$s" tools); do with_libs "$root" "$(command -v "$tool")"; done
    cp "$here/scenarios/$s.sh" "$root/scenario.sh"
    if [ "$(header "$s" userland)" = yes ]; then
        userland
        with_libs "$root" "$(command -v daxctl)" "$work/aot/daxplug"
        mkdir -p "$root/usr/bin" && mv "$root$work/aot/daxplug" "$root/usr/bin/daxplug"
    fi
    (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd-$s.gz"
    local auto append
    auto=$(header "$s" auto); auto=${auto:-offline}
    append="console=ttyS0 panic=-1 loglevel=1 memmap=1G%0x100000000-1+0xefffffff $(header "$s" cmdline)"
    if [ "$auto" != default ]; then append="$append oracle.auto=$auto"; fi
    local attempt
    for attempt in 1 2; do
        rm -f "$out" "$work/console-$s.log"
        timeout 180 qemu-system-x86_64 -accel tcg -cpu max -M pc -smp 1 -m 4G \
            -object memory-backend-ram,id=m0,size=3G -object memory-backend-ram,id=m1,size=1G \
            -numa node,nodeid=0,memdev=m0,cpus=0 -numa node,nodeid=1,memdev=m1 \
            -kernel "$kdir/vmlinuz" -initrd "$work/initrd-$s.gz" -append "$append" \
            -nographic -no-reboot -monitor none -display none \
            -serial "file:$work/console-$s.log" -serial "file:$out" >/dev/null 2>&1 || true
        if grep -q '^### end' "$out" 2>/dev/null; then
            sed -i 's/\r$//' "$out"
            return 0
        fi
        echo "run.sh: $s: the guest did not finish (attempt $attempt); console tail:" >&2
        tail -5 "$work/console-$s.log" >&2 || true
    done
    return 1
}

# model SCENARIO GUEST-OUT OUT — the same scenario in sim exec on a qemu machine set up like that guest
model() {
    local s=$1 g=$2 out=$3 auto start end major
    auto=$(header "$s" auto); auto=${auto:-offline}
    start=$(sed -n 's/^### kernel-start: //p' "$g"); end=$(sed -n 's/^### kernel-end: //p' "$g")
    major=$(sed -n 's/^### dax-major: //p' "$g")
    local sets=(--set "unmovable=0x$start-0x$end")
    if [ -n "$major" ]; then sets+=(--set "daxMajor=$major"); fi
    # the value written before the modules load, or the kernel's own default (a Kconfig choice), as the guest saw it
    if [ "$auto" = default ]; then auto=$(sed -n 's/^### auto_online_blocks at boot: //p' "$g"); fi
    sets+=(--set "autoOnlineBlocks=$auto")
    # what the scenario's kernel command line changes, in the machine's terms ("# set: FIELD=VALUE ...")
    local set
    for set in $(header "$s" set); do sets+=(--set "$set"); done
    local path=$PATH
    if [ "$(header "$s" userland)" = yes ]; then userland; path=$work/aot:$PATH; fi
    PATH=$path ORACLE_KERNEL_START=$start ORACLE_SELFTESTS=$here/selftests "${daxplug[@]}" sim --machine qemu --kernel "$kernel" "${sets[@]}" exec -- \
        "$busybox" sh -c 'echo "### begin"; . "$1"; . "$2"; echo "### end"' sh "$here/lib.sh" "$here/scenarios/$s.sh" > "$out" 2>&1
}

body() { sed -n '/^### begin/,/^### end/p' "$1" | sed '1d;$d'; }

failed=0
total=0
for s in "${scenarios[@]}"; do
    s=${s%.sh}
    t0=$(date +%s.%N)
    if ! guest "$s" "$work/guest-$s.out"; then
        echo "$s: ERROR: no result from the guest"
        exit 2
    fi
    t1=$(date +%s.%N)
    model "$s" "$work/guest-$s.out" "$work/model-$s.out" || true
    body "$work/guest-$s.out" > "$work/$s.kernel"
    body "$work/model-$s.out" > "$work/$s.model"
    if [ -n "$keep" ]; then cp "$work/$s.kernel" "$work/$s.model" "$work/console-$s.log" "$keep/"; fi
    n=$(grep -cv '^#' "$work/$s.kernel" || true)
    total=$((total + n))
    boot=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    if diff -q "$work/$s.kernel" "$work/$s.model" >/dev/null; then
        echo "$s: identical ($n lines; guest boot+run ${boot} s)"
    else
        failed=$((failed + 1))
        echo "$s: DIFFERS ($n lines; guest boot+run ${boot} s)"
        diff "$work/$s.kernel" "$work/$s.model" | sed -n 's/^< /    kernel: /p; s/^> /    model:  /p; s/^\([0-9].*\)/  at \1/p' || true
    fi
done
echo "kernel $kernel ($(cat "$kdir/version")): ${#scenarios[@]} scenarios, $total lines compared, $((${#scenarios[@]} - failed)) identical, $failed differ"
[ $failed -eq 0 ]
