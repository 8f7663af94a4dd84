# The kernel's memory-hotplug selftest, unmodified (oracle/selftests/mem-on-off-test.sh, 6.12), with -r 100: every
# hot-pluggable block is onlined, then all are offlined. memory0 (two zones), the kernel image's blocks, the last
# block of node0 (memblock put its memmap and early allocations there, top-down) and node1's first block (onlined
# into a kernel zone, so kswapd's stack is in it) refuse, so the test fails as on any real machine. Then its
# error-injection half: debugfs is listed by `mount -t debugfs` on both sides. Its /sbin/modprobe calls are left
# out of the comparison (the guest has none; the model's namespace may not load modules).
# auto: offline
# tools: bash bc
cd "${ORACLE_SELFTESTS:-/selftests}"
x bash -c "set -o pipefail; bash ./mem-on-off-test.sh -r 100 2>&1 | grep -v /sbin/modprobe"
k
