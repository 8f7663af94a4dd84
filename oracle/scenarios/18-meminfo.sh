# /proc/meminfo, /proc/zoneinfo and a node's meminfo follow memory as it goes online and offline (si_meminfo(): the zones' managed
# pages); a poisoned page counts in HardwareCorrupted and leaves MemFree; with memmap_on_memory each block's own
# memmap is present but not managed. /proc/meminfo's MemTotal is printed as its change since the start (the guest's
# boot memory is not the model's), node1's figures as they are (all of node1's memory is hot-added). MemFree right
# after the poisoning is not printed: the page leaves NR_FREE_PAGES through a per-CPU vmstat delta that 6.1 had
# not yet folded into the node's counter when it was read (7.3 had).
# auto: offline
# cmdline: memory_hotplug.memmap_on_memory=1
# set: memmapOnMemory=Y
kb() { if [ -e "$1" ]; then sed -n "s/^\(Node [0-9]* \)\{0,1\}$2: *\([0-9]*\).*/\2/p" "$1"; else echo "-"; fi; }
m0=$(kb /proc/meminfo MemTotal)
mi() {
    echo "R /proc/meminfo = MemTotal +$(( $(kb /proc/meminfo MemTotal) - m0 )) HardwareCorrupted $(kb /proc/meminfo HardwareCorrupted)"
    [ "$1" = total ] && echo "R $N/node1/meminfo = MemTotal $(kb $N/node1/meminfo MemTotal)" && return
    echo "R $N/node1/meminfo = MemTotal $(kb $N/node1/meminfo MemTotal) MemFree $(kb $N/node1/meminfo MemFree) MemUsed $(kb $N/node1/meminfo MemUsed)"
    # node1's Movable zone: its free pages, span and counts (not its watermarks: 6.1 gives it a share of
    # min_free_kbytes, which depends on the boot memory, which the guest and the model count differently)
    echo "R /proc/zoneinfo = node1 Movable" $(awk '/^Node 1, zone  Movable/ { f = 1; next } /^Node/ { f = 0 }
        f && /^  (pages free|start_pfn)|^        (spanned|present|managed) / { print }' /proc/zoneinfo)
}
to_kmem
mi
h "two blocks online_movable"
for i in 32 33; do w $M/memory$i/state online_movable; done
mi
h "a page of memory33 soft-offlined"
w $M/soft_offline_page 0x108001000
mi total
h "both blocks offline"
for i in 32 33; do w $M/memory$i/state offline; done
mi
h "kmem re-adds dax0.0 with memmap_on_memory (6.8+): each block's memmap is inside it"
w $D/drivers/kmem/unbind dax0.0
w $D/devices/dax0.0/memmap_on_memory 1
r $D/devices/dax0.0/memmap_on_memory
w $D/drivers/kmem/bind dax0.0
r $D/devices/dax0.0/driver
for i in 34 35; do w $M/memory$i/state online_movable; done
mi
w $M/memory35/state offline
mi
