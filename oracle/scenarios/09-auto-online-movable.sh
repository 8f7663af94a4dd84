# auto_online_blocks=online_movable before the modules load: kmem's blocks come up Movable at probe; on 6.1
# device_dax binds first, so they come up only when daxctl-style steps hand the device to kmem.
# auto: online_movable
r $M/auto_online_blocks
to_kmem
blocks 31 40
nodes
tiers
h "offline all, unbind, bind with online_kernel"
for i in 32 33 34 35 36 37 38 39; do w $M/memory$i/state offline; done
w $D/drivers/kmem/unbind dax0.0
w $M/auto_online_blocks online_kernel
w $M/auto_online_blocks bogus
r $M/auto_online_blocks
w $D/drivers/kmem/bind dax0.0
blocks 31 40
nodes
tiers
k
