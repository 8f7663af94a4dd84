#!/bin/bash
# fetch.sh KERNEL — obtain a pinned Debian kernel (kernels.conf) and build the guest's initramfs base.
# Prints the cache directory, which then holds: vmlinuz, modules/*.ko (the three dax modules and the memory notifier
# error injection that scenarios use to make an offline fail), version.
# A kernel may come in several packages (7.3: linux-binary-* with vmlinuz, linux-modules-* with the modules).
# Downloads go through a private apt configuration under the cache; the machine's apt setup is left alone.
# Cache: $DAXPLUG_ORACLE_CACHE, default /var/cache/daxplug-oracle. Needs: apt-get, dpkg-deb, xz, busybox-static.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kernel=${1:?usage: fetch.sh KERNEL (one of: $(awk '!/^#/ && NF {printf "%s ", $1}' "$here/kernels.conf"))}
cache=${DAXPLUG_ORACLE_CACHE:-/var/cache/daxplug-oracle}

read -r _ pkg version suite < <(awk -v k="$kernel" '!/^#/ && $1 == k' "$here/kernels.conf") || true
if [ -z "${pkg:-}" ]; then
    echo "fetch.sh: unknown kernel '$kernel' (see $here/kernels.conf)" >&2
    exit 2
fi
dir=$cache/$kernel
if [ -s "$dir/vmlinuz" ] && [ -s "$dir/modules/memory-notifier-error-inject.ko" ] && [ "$(cat "$dir/version" 2>/dev/null)" = "$pkg=$version" ]; then
    echo "$dir"
    exit 0
fi

apt=$cache/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc"
cat > "$apt/etc/sources.list" <<SOURCES
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian experimental main
SOURCES
opts=(-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::Etc::Preferences=/dev/null" -o Dir::Etc::PreferencesParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
      -o Dir::State::Status=/dev/null -o APT::Sandbox::User=root -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1 -q)
rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/x" "$dir.tmp/modules"
updated=""
for p in ${pkg//,/ }; do
    deb=$(ls "$apt/archives/${p}_${version//:/%3a}_"*.deb 2>/dev/null | head -1 || true)
    if [ -z "$deb" ]; then
        echo "fetch.sh: downloading $p=$version ($suite)" >&2
        if [ -z "$updated" ]; then apt-get "${opts[@]}" update >&2; updated=1; fi
        (cd "$apt/archives" && apt-get "${opts[@]}" download "$p=$version" >&2)
        deb=$(ls "$apt/archives/${p}_"*.deb | head -1)
    fi
    dpkg-deb -x "$deb" "$dir.tmp/x"
done
# boot/vmlinuz-RELEASE up to 7.2; usr/lib/modules/RELEASE/vmlinuz from 7.3.
vmlinuz=$( (find "$dir.tmp/x/boot" "$dir.tmp/x/usr/lib/modules" -maxdepth 2 \( -name 'vmlinuz-*' -o -name vmlinuz \) -type f 2>/dev/null || true) | head -1)
[ -n "$vmlinuz" ] || { echo "fetch.sh: no vmlinuz in $pkg" >&2; exit 1; }
cp "$vmlinuz" "$dir.tmp/vmlinuz"
for m in device_dax kmem dax_hmem notifier-error-inject memory-notifier-error-inject; do
    ko=$(find "$dir.tmp/x" -name "$m.ko*" | head -1)
    [ -n "$ko" ] || { echo "fetch.sh: $m not found in $pkg" >&2; exit 1; }
    case "$ko" in
        *.xz) xz -dc "$ko" > "$dir.tmp/modules/$m.ko" ;;
        *.zst) zstd -dcq "$ko" > "$dir.tmp/modules/$m.ko" ;;
        *) cp "$ko" "$dir.tmp/modules/$m.ko" ;;
    esac
done
rm -rf "$dir.tmp/x"
echo "$pkg=$version" > "$dir.tmp/version"
rm -rf "$dir" && mv "$dir.tmp" "$dir"
echo "$dir"
