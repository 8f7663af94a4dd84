# Boot memory on node0: memory0 (spans DMA and DMA32) cannot be offlined, the block holding the kernel image is
# busy, an ordinary DMA32 block goes offline and back online in its zone.
# auto: offline
blocks 0 3
kb=$(( 0x$(kstart) / 0x8000000 ))
h "the kernel image's block"
if [ "$kb" -ne 0 ]; then
    block $kb
    r $M/memory$kb/removable
    w $M/memory$kb/state offline
    block $kb
fi
w $M/memory0/state offline
w $M/memory0/online 0
block 0
w $M/memory20/state offline
block 20
r $M/memory20/valid_zones
w $M/memory20/state online_movable
w $M/memory20/state online
block 20
blocks 21 23
w $M/memory24/state offline
nodes
