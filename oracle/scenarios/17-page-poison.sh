# Poisoned pages as the kernel counts them: a soft-offlined page and a hard-offlined one both count against their
# block (from 6.2, the per-memory_block hwpoison counter), so it goes offline but not online again; a page poisoned
# twice, or soft- after hard-offlined, is refused with EHWPOISON or EBUSY as memory_failure()/soft_offline_page() say.
# auto: offline
to_kmem
for i in 33 34 35; do w $M/memory$i/state online_movable; done
k
h "soft offline, then the same page again"
w $M/soft_offline_page 0x108002000
k
w $M/soft_offline_page 0x108002000
k
h "hard offline, then the same page again, then soft"
w $M/hard_offline_page 0x110003000
k
w $M/hard_offline_page 0x110003000
k
w $M/soft_offline_page 0x110003000
k
h "the blocks go offline; the poisoned ones do not come back"
for i in 33 34 35; do w $M/memory$i/state offline; done
for i in 33 34 35; do w $M/memory$i/state online_movable; done
blocks 33 35
k
