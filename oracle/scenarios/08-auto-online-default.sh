# The kernel's own auto_online_blocks default at boot (offline on 6.1, online on 6.12 and later): where kmem's
# blocks land, node masks and tiers. Only reads.
# auto: default
r $M/auto_online_blocks
r $D/devices/dax0.0/driver
blocks 31 40
nodes
tiers
iomem
