# dax0.0/state when the memory notifier refuses (lib/memory-notifier-error-inject): an unplug whose offline fails
# leaves the device online and returns the errno; an online whose blocks refuse to go online still adds them
# (add_memory's onlining ignores errors) and reports success.
# auto: offline
needs_state || return
E=/sys/kernel/debug/notifier-error-inject/memory/actions
st unplugged online_movable
h "MEM_GOING_OFFLINE fails with EBUSY, then with ENOMEM"
w $E/MEM_GOING_OFFLINE/error -16
st unplugged
k
w $E/MEM_GOING_OFFLINE/error -12
st unplugged
k
h "one block offline by hand first, then EBUSY again"
w $E/MEM_GOING_OFFLINE/error 0
w $M/memory35/state offline
w $E/MEM_GOING_OFFLINE/error -16
st unplugged
k
w $E/MEM_GOING_OFFLINE/error 0
st unplugged
k
iomem
h "MEM_GOING_ONLINE fails: the write succeeds, the blocks stay offline"
w $E/MEM_GOING_ONLINE/error -12
st online_movable
k
nodes
w $E/MEM_GOING_ONLINE/error 0
st online_movable
h "and the blocks can be onlined by hand"
w $M/memory32/state online_movable
sts
st unplugged
k
iomem
