# Clean hot-remove: every block offline, unbind kmem (the blocks, node1's memory and its tier go away), then bind
# again with auto_online_blocks=online_movable (every block comes back Movable, the tier comes back).
# auto: offline
to_kmem
w $M/memory35/state online_movable
w $M/memory36/state online_movable
tiers
h "offline all, unbind"
for i in 32 33 34 35 36 37 38 39; do w $M/memory$i/state offline; done
w $D/drivers/kmem/unbind dax0.0
k
r $D/devices/dax0.0/driver
blocks 31 40
l $M
nodes
tiers
iomem
h "unbind again, remove_id"
w $D/drivers/kmem/unbind dax0.0
h "bind with auto_online_blocks=online_movable"
w $M/auto_online_blocks online_movable
w $D/drivers/kmem/bind dax0.0
k
r $D/devices/dax0.0/driver
blocks 31 40
nodes
tiers
iomem
h "bind while bound"
w $D/drivers/kmem/bind dax0.0
w $D/drivers/kmem/bind dax9.9
w $D/drivers/kmem/unbind dax9.9
h "offline all, unbind, bind with auto_online_blocks=offline"
for i in 32 33 34 35 36 37 38 39; do w $M/memory$i/state offline; done
w $D/drivers/kmem/unbind dax0.0
w $M/auto_online_blocks offline
w $D/drivers/kmem/bind dax0.0
blocks 32 39
nodes
tiers
k
