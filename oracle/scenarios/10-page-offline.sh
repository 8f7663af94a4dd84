# The memory-failure files: soft_offline_page and hard_offline_page take a physical address. A poisoned page in a
# hot-plugged block lets the block go offline but (from 6.2, per-block poison counter) not online again.
# auto: offline
to_kmem
w $M/memory33/state online_movable
h "soft offline"
w $M/soft_offline_page bogus
w $M/soft_offline_page 0x110000000
w $M/soft_offline_page 0x108000000
w $M/soft_offline_page 0x20000000000
h "hard offline"
w $M/hard_offline_page bogus
w $M/hard_offline_page 0x110000000
k
w $M/hard_offline_page 0x108001000
k
w $M/memory33/state offline
block 33
w $M/memory33/state online_movable
block 33
k
