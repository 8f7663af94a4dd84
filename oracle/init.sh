#!/bin/busybox sh
# The guest's /init (packed into the initramfs by run.sh with busybox, the three dax modules, lib.sh and one
# scenario). The kernel console is ttyS0; the scenario's lines go to ttyS1, which run.sh reads.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
out=/dev/ttyS1
stty -F $out raw -echo 2>/dev/null
{
    echo "### uname: $(uname -r)"
    # where the kernel image landed (KASLR): its blocks cannot be offlined; run.sh tells the model
    sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : Kernel code$/### kernel-start: \1/p; s/^ *[0-9a-f]*-\([0-9a-f]*\) : Kernel bss$/### kernel-end: \1/p' /proc/iomem
    echo "### auto_online_blocks at boot: $(cat /sys/devices/system/memory/auto_online_blocks)"
    auto=$(sed -n 's/.*oracle\.auto=\([a-z_]*\).*/\1/p' /proc/cmdline)
    if [ -n "$auto" ]; then echo "$auto" > /sys/devices/system/memory/auto_online_blocks; fi
    # debugfs and the memory notifier error injection (which scenarios use to make an offline fail), as in the model
    mount -t debugfs debugfs /sys/kernel/debug
    for m in notifier-error-inject memory-notifier-error-inject device_dax kmem dax_hmem; do
        insmod /modules/$m.ko || echo "### insmod $m failed"
    done
    echo "### dax-major: $(cut -d: -f1 /sys/bus/dax/devices/dax0.0/dev 2>/dev/null)"
    echo "### begin"
    . /lib.sh
    . /scenario.sh
    echo "### end"
} > $out 2>&1
poweroff -f
