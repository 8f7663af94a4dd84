# dax0.0/state (the series as merged, 7.3): every word written from every state with its errno, and words the
# parser refuses. Probe resolved the online type from auto_online_blocks=offline, so the state reads "offline",
# which cannot be written; onlining is allowed only from unplugged (EBUSY otherwise); the same state is a no-op.
# auto: offline
needs_state || return
l $D/devices/dax0.0
sts
h "from offline"
st offline online online_kernel online_movable
h "bad words"
for v in "" bogus Online unplug onlinemovable "online movable" "online_movable " " online" unplugged_ offline_; do w $S "$v"; done
wn $S unplugged_
wn $S online
sts
h "from offline to unplugged, twice"
st unplugged
st unplugged
k
iomem
h "from unplugged"
st offline
st online_movable
k
nodes
tiers
iomem
h "from online_movable"
st online_movable online online_kernel offline
st unplugged
h "online (the default zone for node1: Normal) and online_kernel"
st online
nodes
st online_movable online_kernel offline
st unplugged online_kernel
nodes
st online online_movable
wn $S unplugged
sts
nodes
tiers
k
iomem
