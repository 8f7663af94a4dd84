# Real userland on the kernel: Debian's daxctl and the NativeAOT daxplug, the same binaries on both sides (run.sh puts
# them and their libraries in the guest). daxctl's memory operations and reconfigure both ways, then daxplug's
# listing, a whole-device online_movable and unplug (the state attribute on 7.3, a journalled per-block transaction
# before it), and doctor's findings about the kernel (--sysroot: a directory with only sys -> /sys, so that no other file of
# the machine the model runs on is read).
# auto: offline
# userland: yes
sd=$(mktemp -d)
cd "$sd"
d="daxplug --state-dir ."
h "daxctl"
x daxctl list -DRM
x daxctl online-memory dax0.0
x daxctl list -M -d dax0.0
blocks 32 39
x daxctl offline-memory dax0.0
x daxctl reconfigure-device -m devdax dax0.0
r $D/devices/dax0.0/driver
x daxctl reconfigure-device -m system-ram dax0.0
blocks 32 39
x daxctl offline-memory dax0.0
h "daxplug"
x $d list --json
x $d blocks dax0.0
x $d set dax0.0 online_movable --yes
x $d set dax0.0 online_movable --yes
x $d blocks dax0.0
sts
k
x $d set dax0.0 unplugged --yes
x $d list --json
sts
k
ln -s /sys sys
x $d doctor --sysroot .
cd /
rm -rf "$sd"
