#!/bin/sh
# Builds a bootable NØNOS disk image without root:
#   mkimage.sh IMAGE LOADER KERNEL BUNDLE
# IMAGE is a raw GPT disk (IMAGE_SIZE_MIB, default 64) with one partition, the
# EFI System Partition (FAT32, from 1 MiB to the end), holding
#   EFI/BOOT/BOOTX64.EFI   LOADER  (the removable-media path firmware boots)
#   NONOS/KERNEL.ELF       KERNEL
#   NONOS/BUNDLE.BIN       BUNDLE
# The FAT is built in a separate file with mkfs.fat and mtools, then copied
# into the partition with dd. Disk and partition GUIDs, the volume ID and the
# FAT timestamps are fixed, so the same inputs give the same image. The same
# file boots in QEMU/OVMF and, written to a USB stick with dd, on a UEFI PC.
set -eu
[ $# -eq 4 ] || { echo "usage: $0 IMAGE LOADER KERNEL BUNDLE" >&2; exit 2; }
image=$1 loader=$2 kernel=$3 bundle=$4
size_mib=${IMAGE_SIZE_MIB:-64}
for f in "$loader" "$kernel" "$bundle"; do
    [ -f "$f" ] || { echo "mkimage: missing $f" >&2; exit 1; }
done

# sgdisk and mkfs.fat live in /usr/sbin, which a normal user's PATH on
# Debian lacks; they need no privilege on an image file.
PATH="$PATH:/usr/sbin:/sbin"

# Per-process scratch names: two builds of the same image may race; the
# last mv wins and each mv is atomic.
disk="$image.$$.tmp"
fat="$image.$$.fat"
stage="$image.$$.stage"
trap 'rm -rf "$disk" "$fat" "$stage"' EXIT
rm -rf "$disk" "$fat" "$stage"

truncate -s "${size_mib}M" "$disk"
sgdisk --clear \
    --disk-guid=4e4f4e4f-5300-4000-8000-000000000001 \
    --new=1:2048:0 --typecode=1:ef00 --change-name=1:"NONOS ESP" \
    --partition-guid=1:4e4f4e4f-5300-4000-8000-000000000002 \
    "$disk" >/dev/null
info=$(sgdisk --info=1 "$disk")
first=$(echo "$info" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
last=$(echo "$info" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
[ -n "$first" ] && [ -n "$last" ] || { echo "mkimage: cannot read the partition" >&2; exit 1; }
kib=$(( (last - first + 1) / 2 ))

mkfs.fat -F 32 -n "NONOS ESP" -i 4e4f4e4f --invariant -C "$fat" "$kib" >/dev/null

# Copies with a fixed modification time, so the FAT entries are the same each build.
mkdir -p "$stage"
cp "$loader" "$stage/BOOTX64.EFI"
cp "$kernel" "$stage/KERNEL.ELF"
cp "$bundle" "$stage/BUNDLE.BIN"
touch -d '2024-01-01 00:00:00' "$stage"/*
export MTOOLS_SKIP_CHECK=1
mmd -i "$fat" ::/EFI ::/EFI/BOOT ::/NONOS
mcopy -m -i "$fat" "$stage/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
mcopy -m -i "$fat" "$stage/KERNEL.ELF" ::/NONOS/KERNEL.ELF
mcopy -m -i "$fat" "$stage/BUNDLE.BIN" ::/NONOS/BUNDLE.BIN

dd if="$fat" of="$disk" bs=512 seek="$first" conv=notrunc status=none
mv "$disk" "$image"
