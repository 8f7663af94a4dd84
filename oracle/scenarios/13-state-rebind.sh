# dax0.0/state across unbind and bind: unbind never offlines (remove_memory() fails on online blocks, which stay
# until reboot, and the next bind then cannot reserve the range); a clean unbind forgets the state; bind resolves
# the state from auto_online_blocks as it is at bind time, also when it changed since the unbind.
# auto: offline
needs_state || return
h "unplugged, unbind, auto_online_blocks=online_movable, bind"
st unplugged
w $D/drivers/kmem/unbind dax0.0
k
r $D/devices/dax0.0/driver $S
w $M/auto_online_blocks online_movable
w $D/drivers/kmem/bind dax0.0
k
sts
nodes
tiers
h "offline every block by hand (the state stays online_movable), unbind, auto=online, bind"
for i in 32 33 34 35 36 37 38 39; do w $M/memory$i/state offline; done
sts
w $D/drivers/kmem/unbind dax0.0
k
iomem
w $M/auto_online_blocks online
w $D/drivers/kmem/bind dax0.0
k
sts
nodes
h "auto=online_kernel, unbind while online: stuck until reboot"
w $M/auto_online_blocks online_kernel
w $D/drivers/kmem/unbind dax0.0
k
r $D/devices/dax0.0/driver $S
blocks 32 39
iomem
h "bind again: the range is still reserved"
w $D/drivers/kmem/bind dax0.0
k
r $D/devices/dax0.0/driver $S
h "offline by hand, then bind: still reserved"
for i in 32 33 34 35 36 37 38 39; do w $M/memory$i/state offline; done
w $D/drivers/kmem/bind dax0.0
k
r $D/devices/dax0.0/driver
