# A device of several ranges, built through sysfs: dax0.0 shrunk, dax0.1 created next to it, dax0.0 shrunk again and
# dax0.1 grown: the kernel gives it the hole dax0.0 left (mapping1) and the space after its first range as a third
# (mapping2). Its state attribute then hot-plugs, unplugs (offline_and_remove_memory_ranges() over all of them) and
# refuses as one device.
# auto: offline
needs_state || return
st unplugged
w $D/drivers/kmem/unbind dax0.0
w $D/devices/dax0.0/size 536870912
w $R0/create 1
w $D/devices/dax0.1/size 268435456
w $D/devices/dax0.0/size 268435456
w $D/devices/dax0.1/size 805306368
dev dax0.1
region
h "bind dax0.1: three ranges, offline"
w $D/drivers/kmem/bind dax0.1
k
S=$D/devices/dax0.1/state
sts
iomem
h "unplug and online_movable, both ranges at once"
st unplugged
k
iomem
st online_movable
k
nodes
iomem
h "MEM_GOING_OFFLINE fails: nothing is removed from any range"
E=/sys/kernel/debug/notifier-error-inject/memory/actions
w $E/MEM_GOING_OFFLINE/error -16
st unplugged
k
w $E/MEM_GOING_OFFLINE/error 0
h "the second range offline by hand, then unplug"
w $M/memory34/state offline
w $M/memory35/state offline
st unplugged
k
iomem
h "unbind with the state unplugged, and bind again"
w $D/drivers/kmem/unbind dax0.1
k
w $D/drivers/kmem/bind dax0.1
k
sts
iomem
