# The state right after the dax modules load: the device, its region and mappings, the memory blocks, the node
# masks, the memory tiers, /proc/iomem.
# auto: offline
h "global knobs"
r $M/block_size_bytes $M/auto_online_blocks /sys/module/memory_hotplug/parameters/online_policy
r /sys/module/memory_hotplug/parameters/memmap_on_memory $M/crash_hotplug
h "the dax bus"
l $D/devices $D/drivers $D/drivers/kmem $D/drivers/device_dax
r $D/devices/dax0.0 $D/devices/dax0.0/driver $D/devices/dax0.0/subsystem
rl $D/devices/dax0.0 $D/devices/dax0.0/driver $D/devices/dax0.0/subsystem
dev dax0.0
r $D/devices/dax0.0/uevent
h "region 0"
region
h "memory blocks"
l $M
blocks 30 40
r $M/memory32/phys_index $M/memory32/removable $M/memory32/phys_device $M/memory32/online
h "nodes and tiers"
nodes
l $N/node1
r $N/node1/cpulist $N/node1/distance
l $N/node1/hugepages $N/node1/hugepages/hugepages-2048kB $N/node1/memory_failure $N/node1/x86
r $N/node1/hugepages/hugepages-2048kB/nr_hugepages $N/node1/memory_failure/total $N/node1/x86/sgx_total_bytes
tiers
h "iomem"
iomem
