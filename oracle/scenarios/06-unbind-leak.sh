# Unbinding kmem while a block is online: the write succeeds, the memory stays (and is leaked until reboot: the
# kernel logs it), and every later bind of dax0.0 fails with EBUSY, even after the blocks are offline.
# auto: offline
to_kmem
for i in 33 34 35 36 37 38; do w $M/memory$i/state online_movable; done
k
w $D/drivers/kmem/unbind dax0.0
k
r $D/devices/dax0.0/driver
blocks 31 40
nodes
tiers
iomem
h "bind again: EBUSY"
w $D/drivers/kmem/bind dax0.0
k
h "offline everything and retry"
for i in 33 34 35 36 37 38; do w $M/memory$i/state offline; done
blocks 32 39
w $D/drivers/kmem/bind dax0.0
k
w $D/drivers/kmem/remove_id dax0.0
w $D/drivers/kmem/remove_id dax0.0
w $D/drivers/device_dax/bind dax0.0
k
r $D/devices/dax0.0/driver
h "the leaked blocks can still be used"
w $M/memory33/state online_movable
blocks 32 39
iomem
