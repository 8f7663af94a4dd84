# lib.sh — the helpers every scenario uses. Sourced by busybox sh both in the QEMU guest's /init and inside
# `daxplug sim exec`, so that both sides print exactly the same kind of lines:
#   R PATH = VALUE            a read (whitespace collapsed); R PATH ! ERRNO when the read fails
#   R PATH -> NAME            a symlink (the last component of its target)
#   L DIR = NAME...           a directory listing (sorted)
#   W PATH <- 'VALUE' = RC    a write: 0 or the errno's name; {0|EBUSY} when the scenario allows either
#   K MESSAGE                 a new kernel log line about dax, kmem or memory hotplug (timestamps dropped)
#   I LINE                    a /proc/iomem line in the hot-plugged range (4 GiB and up)
#   # TEXT                    a section header
set -f
M=/sys/devices/system/memory
N=/sys/devices/system/node
D=/sys/bus/dax
T=/sys/devices/virtual/memory_tiering

# The errno behind busybox's messages ("write error: Invalid argument", "can't open 'x': Permission denied").
errname() {
    case "$1" in
        "Invalid argument") echo EINVAL ;;
        "Device or resource busy") echo EBUSY ;;
        "No such device") echo ENODEV ;;
        "No such device or address") echo ENXIO ;;
        "Operation not supported") echo EOPNOTSUPP ;;
        "No such file or directory"|"nonexistent directory") echo ENOENT ;;
        "Permission denied") echo EACCES ;;
        "Operation not permitted") echo EPERM ;;
        "Cannot allocate memory"|"Out of memory") echo ENOMEM ;;
        "Numerical result out of range") echo ERANGE ;;
        "No space left on device") echo ENOSPC ;;
        "File exists") echo EEXIST ;;
        "Interrupted system call") echo EINTR ;;
        "Input/output error"|"I/O error") echo EIO ;;
        "Resource temporarily unavailable") echo EAGAIN ;;
        "Is a directory") echo EISDIR ;;
        "Memory page has hardware error") echo EHWPOISON ;;
        *) echo "'$1'" ;;
    esac
}

h() { echo "# $*"; }

# r PATH... — read files (or print where links point)
r() {
    for _r in "$@"; do
        if [ -L "$_r" ]; then
            _t=$(readlink "$_r"); echo "R $_r -> ${_t##*/}"
        elif [ ! -e "$_r" ]; then
            echo "R $_r ! ENOENT"
        elif _v=$(cat "$_r" 2>&1); then
            echo "R $_r =" $_v
        else
            echo "R $_r ! $(errname "${_v##*: }")"
        fi
    done
}

# rl PATH... — where paths resolve (readlink -f), e.g. that a link leads where the kernel's does
rl() {
    for _r in "$@"; do echo "R $_r => $(readlink -f "$_r")"; done
}

# l DIR... — list directories
l() {
    for _l in "$@"; do
        if [ -d "$_l" ]; then echo "L $_l =" $(ls "$_l"); else echo "L $_l ! ENOENT"; fi
    done
}

_rc() {
    if [ -z "$1" ]; then echo 0; else errname "${1##*: }"; fi
}

# w PATH VALUE — echo VALUE > PATH (one write of VALUE and a newline)
w() {
    _e=$( (echo "$2" > "$1") 2>&1 )
    echo "W $1 <- '$2' = $(_rc "$_e")"
}

# wn PATH VALUE — the same without the newline (printf)
wn() {
    _e=$( (printf '%s' "$2" > "$1") 2>&1 )
    echo "W $1 <-n '$2' = $(_rc "$_e")"
}

# wa "0 EBUSY" PATH VALUE — a write whose outcome the real kernel does not decide deterministically: any of the
# listed results prints as the set, anything else as itself.
wa() {
    _e=$( (echo "$3" > "$2") 2>&1 ); _rc=$(_rc "$_e")
    for _ok in $1; do
        if [ "$_ok" = "$_rc" ]; then _rc="{$(echo $1 | tr ' ' '|')}"; break; fi
    done
    echo "W $2 <- '$3' = $_rc"
}

# The kernel log: debugfs in the model, dmesg in the guest.
_klog() {
    if [ -r /sys/kernel/debug/daxplug/dmesg ]; then cat /sys/kernel/debug/daxplug/dmesg; else dmesg; fi
}
KLOG_SEEN=$(_klog | wc -l)

# k — print the kernel log lines added since the last k (or since the scenario started) that are about us
k() {
    _k=$(_klog | wc -l)
    _klog | tail -n +$((KLOG_SEEN + 1)) | sed 's/^<[0-9]*>//; s/^\[[^]]*\] *//' \
        | grep -E 'dax|kmem|hmem|memory|Demotion|[Oo]ffline|[Oo]nline' | sed 's/^/K /'
    KLOG_SEEN=$_k
}

# iomem — the /proc/iomem lines at 4 GiB and above (the hot-plugged range; below it the guest's firmware and
# devices are not modelled)
iomem() {
    grep -E '^ *[0-9a-f]{9,}-' /proc/iomem | sed 's/^/I /'
}

# block N... — a memory block: state, zones, node, removable, phys_device
block() {
    for _b in "$@"; do
        _p=$M/memory$_b
        if [ -d "$_p" ]; then
            _n=$(cd "$_p" && ls -d node* 2>/dev/null)
            echo "B memory$_b state=$(cat $_p/state) zones=$(cat $_p/valid_zones | tr ' ' ,) $_n"
        else
            echo "B memory$_b absent"
        fi
    done
}

# blocks FIRST LAST — block for a range of ids
blocks() {
    _i=$1
    while [ "$_i" -le "$2" ]; do block "$_i"; _i=$((_i + 1)); done
}

# nodes — node masks and the nodes' memory links for the hot-plugged node
nodes() {
    r $N/possible $N/online $N/has_memory $N/has_normal_memory $N/has_cpu
}

# tiers — memory tiers and their nodes
tiers() {
    for _t in $(ls $T | grep memory_tier); do r $T/$_t/nodelist; done
}

# dev DEV — a dax device's attributes, its mappings and its driver
dev() {
    _d=$D/devices/$1
    if [ ! -e "$_d" ]; then echo "R $_d ! ENOENT"; return; fi
    for _f in $(ls "$_d"); do
        case "$_f" in
            power|subsystem|uevent) ;;
            mapping*) r "$_d/$_f/start" "$_d/$_f/end" "$_d/$_f/page_offset" ;;
            *) r "$_d/$_f" ;;
        esac
    done
}

# region — the attributes of region 0, found from dax0.0's own path (hmem.0 is under hmem_platform.0 from 7.1)
_r0=$(readlink -f $D/devices/dax0.0)
R0=${_r0%/*}/dax_region
region() {
    r $R0/id $R0/size $R0/align $R0/available_size $R0/seed $R0/create $R0/delete
}

# drv DEV — the driver bound to a dax device, or "none"
drv() {
    if [ -L $D/devices/$1/driver ]; then _t=$(readlink $D/devices/$1/driver); echo "${_t##*/}"; else echo none; fi
}

# to_kmem — where device_dax has the device (6.1's default), hand it to kmem as daxctl reconfigure-device does
to_kmem() {
    if [ "$(drv dax0.0)" = device_dax ]; then
        h "device_dax has dax0.0: unbind it and add dax0.0 to kmem's ids"
        w $D/drivers/device_dax/unbind dax0.0
        w $D/drivers/kmem/new_id dax0.0
        w $D/drivers/kmem/bind dax0.0
    fi
    r $D/devices/dax0.0/driver
}

# kstart — where the kernel image starts (hex, no 0x): the "Kernel code" line of /proc/iomem in the guest; the model
# does not list the kernel image in iomem, so run.sh tells it (ORACLE_KERNEL_START, taken from the guest)
kstart() {
    _s=$(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : Kernel code$/\1/p' /proc/iomem)
    echo "${_s:-$ORACLE_KERNEL_START}"
}

# st VALUE... — write each VALUE to dax0.0's state attribute (the series as merged, 7.3), then print the state and
# its blocks in one line: "S state=… blocks=…" with each block's state and zone (offline blocks: their zones)
S=$D/devices/dax0.0/state
st() {
    for _v in "$@"; do w $S "$_v"; done
    sts
}
sts() {
    _s=$(cat $S 2>&1) || _s="! $(errname "${_s##*: }")"
    _b=""
    _i=32
    while [ $_i -le 39 ]; do
        if [ -d $M/memory$_i ]; then
            _z=$(cat $M/memory$_i/valid_zones | tr ' ' ,)
            case "$(cat $M/memory$_i/state)" in online) _b="$_b $_z" ;; *) _b="$_b -" ;; esac
        else
            _b="$_b x"
        fi
        _i=$((_i + 1))
    done
    echo "S state=$_s blocks=$_b"
}

# needs_state — end the scenario (with one line saying so) on a kernel without dax0.0's state attribute
needs_state() {
    [ -e $S ] && return 0
    echo "# no $S on this kernel"
    return 1
}

# x COMMAND... — run a program (daxctl, daxplug): "X COMMAND", its output and errors as "O LINE", then "X rc=N"
x() {
    echo "X $*"
    _o=$("$@" 2>&1) && _rc=0 || _rc=$?
    if [ -n "$_o" ]; then printf '%s\n' "$_o" | sed 's/^/O /'; fi
    echo "X rc=$_rc"
}
