# Per-block transitions on the dax device's blocks: online_movable, online, online_kernel, offline, the device-core
# "online" file, and every way to get EINVAL. Only movable onlining, so that every offline is deterministic.
# auto: offline
to_kmem
b=$M/memory32
h "online_movable, then again"
w $b/state online_movable
block 32
w $b/state online_movable
w $b/state online
w $b/state online_kernel
w $b/online 1
r $b/online $b/valid_zones
h "offline, then again"
w $b/state offline
w $b/state offline
w $b/online 0
r $b/online $b/valid_zones
h "bad input"
w $b/state bogus
w $b/state " online_movable"
wn $b/state online_movable
block 32
w $b/state offline
w $b/online 2
w $b/online no
w $b/online n
w $b/online ""
r $b/online
w $b/state ""
wn $b/state ""
h "every block online_movable from the top down, then offline"
for i in 39 38 37 36 35 34 33 32; do w $M/memory$i/state online_movable; done
blocks 32 39
nodes
tiers
for i in 32 33 34 35 36 37 38 39; do w $M/memory$i/state offline; done
blocks 32 39
nodes
tiers
k
