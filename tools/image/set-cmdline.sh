#!/bin/sh
# Makes a copy of a NØNOS disk image with a boot command line:
#   set-cmdline.sh IMAGE OUT TEXT
# writes TEXT (at most 255 bytes, no newline added) as \NONOS\CMDLINE on the
# copy's EFI System Partition (mkimage.sh's layout: the ESP's FAT starts at
# 1 MiB). The loader reads it, measures it (SHA-256 in the measurement log,
# `measure` shows it) and hands it to the kernel (docs/boot.md). An empty
# TEXT removes the file. The input image is not changed.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 IMAGE OUT TEXT" >&2; exit 2; }
image=$1 out=$2 text=$3
[ -f "$image" ] || { echo "set-cmdline: missing $image" >&2; exit 1; }
[ "${#text}" -le 255 ] || { echo "set-cmdline: TEXT longer than 255 bytes" >&2; exit 1; }
tmp="$out.$$.tmp"
file="$out.$$.cmdline"
trap 'rm -f "$tmp" "$file"' EXIT
cp "$image" "$tmp"
export MTOOLS_SKIP_CHECK=1
mdel -i "$tmp@@1M" ::/NONOS/CMDLINE 2>/dev/null || true
if [ -n "$text" ]; then
    printf '%s' "$text" >"$file"
    touch -d '2024-01-01 00:00:00' "$file"
    mcopy -m -i "$tmp@@1M" "$file" ::/NONOS/CMDLINE
fi
mv "$tmp" "$out"
