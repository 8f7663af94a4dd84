# Region editing while no driver is bound: memmap_on_memory, resizing dax0.0, create/seed/delete of dax0.1, binding
# the new device, mapping placement.
# auto: offline
to_kmem
w $D/drivers/kmem/unbind dax0.0
r $D/devices/dax0.0/driver
region
h "memmap_on_memory"
r $D/devices/dax0.0/memmap_on_memory
w $D/devices/dax0.0/memmap_on_memory 1
w $D/devices/dax0.0/memmap_on_memory 0
w $D/devices/dax0.0/memmap_on_memory bogus
h "shrink dax0.0"
w $D/devices/dax0.0/size 536870912
w $D/devices/dax0.0/size 12345
w $D/devices/dax0.0/size bogus
dev dax0.0
region
h "create"
w $R0/create 2
w $R0/create 1
region
l $D/devices
dev dax0.1
w $D/devices/dax0.1/size 268435456
w $D/devices/dax0.1/size 536870912
w $D/devices/dax0.1/size 2147483648
dev dax0.1
region
h "bind dax0.1"
w $D/drivers/kmem/bind dax0.1
r $D/devices/dax0.1/driver
k
blocks 31 40
for i in 36 37 38 39; do w $M/memory$i/state offline; done
w $D/drivers/kmem/unbind dax0.1
k
h "delete"
w $R0/delete dax0.1
w $D/devices/dax0.1/size 0
w $R0/delete dax0.1
w $R0/delete dax0.0
w $R0/delete dax7.7
l $D/devices
region
w $D/devices/dax0.0/size 1073741824
dev dax0.0
region
iomem
