# Kernel-zone onlining next to movable memory: online_kernel, online and online=1 pick Normal on node1; a Normal
# block cannot go Movable. Offlining a Normal block may fail when the kernel put unmovable pages (slab) in it: the
# real kernel does that in some boots and not others, so that step allows 0 or EBUSY and comes last for its block.
# auto: offline
to_kmem
w $M/memory32/state online_movable
w $M/memory33/state online_kernel
block 32 33 34
r $M/memory34/valid_zones
w $M/memory34/state online
w $M/memory35/online 1
blocks 32 36
w $M/memory33/state online_movable
w $M/memory36/state online_movable
blocks 32 36
nodes
tiers
h "offline: movable always works, Normal may be pinned"
w $M/memory36/state offline
w $M/memory32/state offline
wa "0 EBUSY" $M/memory33/state offline
