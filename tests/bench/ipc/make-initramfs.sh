#!/bin/sh
# Writes the initramfs of the Linux half of `make bench-ipc`: a gzip'd cpio
# archive in the "newc" format (the kernel's
# Documentation/driver-api/early-userspace/buffer-format.rst) holding three
# entries, so no cpio program and no root rights (mknod) are needed:
#   dev/          directory
#   dev/console   character device 5:1, which the kernel opens as init's
#                 fds 0, 1 and 2 (without it init has no console)
#   init          the static test program (tests/bench/ipc/linux_init.c)
#   FILE...       any further files, at the root under their base names
#                 (make bench-net: the kernel modules its init loads)
# Deterministic: fixed inode numbers, owner root, mtime 0, gzip -n.
#
# usage: make-initramfs.sh INIT OUT.cpio.gz [FILE...]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 INIT OUT.cpio.gz [FILE...]" >&2; exit 2; }
init=$1 out=$2
shift 2
for file in "$init" "$@"; do
    [ -f "$file" ] || { echo "make-initramfs.sh: no $file" >&2; exit 2; }
done

# pad BYTES: NULs up to the next multiple of 4 after BYTES bytes.
pad() {
    head -c $(((4 - $1 % 4) % 4)) /dev/zero
}

# entry INODE MODE(octal) RDEV_MAJOR RDEV_MINOR NAME [FILE]
entry() {
    size=0
    [ $# -ge 6 ] && size=$(wc -c <"$6")
    namesize=$((${#5} + 1))
    printf '070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x' \
        "$1" "$(($2))" 0 0 1 0 "$size" 0 0 "$3" "$4" "$namesize" 0
    printf '%s\000' "$5"
    pad $((110 + namesize))
    if [ $# -ge 6 ]; then
        cat "$6"
        pad "$size"
    fi
}

tmp=$out.tmp
{
    entry 1 040755 0 0 dev
    entry 2 020600 5 1 dev/console
    entry 3 0100755 0 0 init "$init"
    inode=4
    for file in "$@"; do
        entry "$inode" 0100644 0 0 "$(basename "$file")" "$file"
        inode=$((inode + 1))
    done
    entry 0 0 0 0 'TRAILER!!!'
} >"$tmp.cpio"
gzip -n -9 -c "$tmp.cpio" >"$tmp"
rm -f "$tmp.cpio"
mv "$tmp" "$out"
