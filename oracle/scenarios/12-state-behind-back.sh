# dax0.0/state next to per-block writes: the attribute only tracks its own writes, so blocks onlined or offlined
# through memoryN/state leave it stale; an unplug still offlines (an offline block folds to success) and removes
# everything, and onlining stays refused until the device is unplugged.
# auto: offline
needs_state || return
h "online some blocks behind the attribute's back"
w $M/memory33/state online_movable
w $M/memory34/state online_kernel
w $M/memory35/state online
sts
st online_movable
h "unplug offlines them all"
st unplugged
k
nodes
h "online_movable, then offline some blocks by hand"
st online_movable
w $M/memory36/state offline
w $M/memory37/state offline
sts
st online_movable online
h "and online one of them into the other zone"
w $M/memory36/state online_kernel
sts
st unplugged
k
h "offline every block by hand, then unplug"
st online
for i in 32 33 34 35 36 37 38 39; do w $M/memory$i/state offline; done
sts
nodes
st unplugged
k
iomem
h "per-block writes after unplug"
w $M/memory33/state online
w $M/memory33/online 1
sts
