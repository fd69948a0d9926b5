#!/bin/sh
# Boots a NØNOS disk image in QEMU for a test, headless, with a hard timeout.
#
#   tests/qemu/boot.sh IMAGE LOG TIMEOUT [EXTRA QEMU ARGS...]
#
# Machine: q35, 512 MiB, OVMF (pflash: /usr/share/OVMF/OVMF_CODE.fd and a
# private copy of OVMF_VARS.fd), TCG, no display window (-display none; the
# standard VGA device is still there, so GOP and `screendump` work), the image
# as a raw disk opened with snapshot=on (never written; several runs may share
# it), -no-reboot (a triple fault or reset ends QEMU), and
# `-device isa-debug-exit,iobase=0xf4,iosize=0x04` for verdicts.
#
# Output: everything the guest writes to COM1 is appended to LOG as it comes.
#
# Environment (all optional):
#   SERIAL_INPUT=PATH   creates a FIFO at PATH; bytes written to it arrive on
#                       COM1 as if typed (end lines with \r). tests/qemu/lib.sh
#                       has helpers (qemu_type, qemu_wait_for).
#   MONITOR_INPUT=PATH  creates a FIFO at PATH connected to the QEMU human
#                       monitor (write e.g. "screendump x.ppm\n"); the
#                       monitor's answers go to PATH.log.
#   QEMU_DRIVE_OPTIONS  extra -drive options instead of "snapshot=on".
#   QEMU_DISK=usb       attach the image as a USB stick (qemu-xhci +
#                       usb-storage, removable) instead of a SATA disk, as
#                       when booting a stick written with dd.
#   QEMU_MEMORY         default 512M.
#   QEMU_IOMMU=off      no intel-iommu (the no-IOMMU tests); default on:
#                       `-device intel-iommu,intremap=on`, first of the devices
#                       (QEMU wants it before the PCI devices it translates).
#                       TCG needs no `kernel-irqchip=split` (only KVM does).
#   QEMU_DEVICES=off    none of the default PCI devices below; default on:
#                       virtio-rng-pci and virtio-net-pci, both modern only
#                       and behind the IOMMU (disable-legacy=on,iommu_platform=on).
#   QEMU_NET=hub        (default) the NIC's backend is a QEMU hub port with
#                       nothing else on the hub: frames go nowhere, no socket.
#   QEMU_NET=socket     a UDP socket on loopback: frames go to
#                       127.0.0.1:$QEMU_NET_REMOTE_PORT and are received on
#                       127.0.0.1:$QEMU_NET_LOCAL_PORT (both required). Never
#                       QEMU's user-mode (slirp) network.
#   QEMU_NET_MAC=XX:..  the NIC's MAC (default QEMU's 52:54:00:12:34:56: set
#                       it when several guests share a segment).
#
# Exit status: QEMU's. A guest write of value V to port 0xf4 exits with
# 2*V+1 (V=0x10 -> 33); ACPI power-off, reset or triple fault exit with 0;
# 124 means TIMEOUT seconds passed (QEMU was killed).
set -u
[ $# -ge 3 ] || { echo "usage: $0 IMAGE LOG TIMEOUT [QEMU ARGS...]" >&2; exit 2; }
image=$1 log=$2 seconds=$3
shift 3
[ -f "$image" ] || { echo "boot.sh: no image $image" >&2; exit 2; }
ovmf_code=/usr/share/OVMF/OVMF_CODE.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS.fd
[ -f "$ovmf_code" ] && [ -f "$ovmf_vars" ] || { echo "boot.sh: OVMF not installed (make deps)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/nonos-qemu.XXXXXX")
cp "$ovmf_vars" "$work/vars.fd"
mkfifo "$work/serial.out"
if [ -n "${SERIAL_INPUT:-}" ]; then
    rm -f "$SERIAL_INPUT"
    mkfifo "$SERIAL_INPUT"
    ln -s "$(cd "$(dirname "$SERIAL_INPUT")" && pwd)/$(basename "$SERIAL_INPUT")" "$work/serial.in"
else
    mkfifo "$work/serial.in"
fi
set -- -chardev "pipe,id=com1,path=$work/serial" -serial chardev:com1 "$@"
if [ -n "${MONITOR_INPUT:-}" ]; then
    rm -f "$MONITOR_INPUT" "$MONITOR_INPUT.log"
    mkfifo "$MONITOR_INPUT" "$work/monitor.out"
    ln -s "$(cd "$(dirname "$MONITOR_INPUT")" && pwd)/$(basename "$MONITOR_INPUT")" "$work/monitor.in"
    set -- -chardev "pipe,id=monitor,path=$work/monitor" -mon chardev=monitor,mode=readline "$@"
    cat "$work/monitor.out" >"$MONITOR_INPUT.log" &
    monitor_reader=$!
else
    set -- -monitor none "$@"
fi

: >>"$log"
cat "$work/serial.out" >>"$log" &
serial_reader=$!
qemu_pid=
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
    kill "$serial_reader" ${monitor_reader:-} 2>/dev/null
    rm -rf "$work"
}
trap 'cleanup; exit 143' TERM INT HUP

drive="format=raw,file=$image,${QEMU_DRIVE_OPTIONS:-snapshot=on}"
if [ "${QEMU_DISK:-sata}" = usb ]; then
    set -- -device qemu-xhci,id=xhci -drive "if=none,id=stick,$drive" \
        -device usb-storage,bus=xhci.0,drive=stick,removable=on "$@"
else
    set -- -drive "$drive" "$@"
fi

if [ "${QEMU_DEVICES:-on}" != off ]; then
    case "${QEMU_NET:-hub}" in
        hub) netdev="hubport,id=net0,hubid=0" ;;
        socket)
            [ -n "${QEMU_NET_LOCAL_PORT:-}" ] && [ -n "${QEMU_NET_REMOTE_PORT:-}" ] ||
                { echo "boot.sh: QEMU_NET=socket needs QEMU_NET_LOCAL_PORT and QEMU_NET_REMOTE_PORT" >&2; exit 2; }
            netdev="socket,id=net0,udp=127.0.0.1:$QEMU_NET_REMOTE_PORT,localaddr=127.0.0.1:$QEMU_NET_LOCAL_PORT" ;;
        *) echo "boot.sh: QEMU_NET must be hub or socket" >&2; exit 2 ;;
    esac
    set -- -device virtio-rng-pci,disable-legacy=on,iommu_platform=on \
        -netdev "$netdev" -device "virtio-net-pci,netdev=net0,disable-legacy=on,iommu_platform=on${QEMU_NET_MAC:+,mac=$QEMU_NET_MAC}" "$@"
fi
if [ "${QEMU_IOMMU:-on}" != off ]; then
    set -- -device intel-iommu,intremap=on "$@"
fi

timeout -k 5 "$seconds" qemu-system-x86_64 \
    -machine q35 -m "${QEMU_MEMORY:-512M}" -accel tcg \
    -drive "if=pflash,format=raw,unit=0,readonly=on,file=$ovmf_code" \
    -drive "if=pflash,format=raw,unit=1,file=$work/vars.fd" \
    -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    "$@" &
qemu_pid=$!
wait "$qemu_pid"
status=$?
qemu_pid=
sleep 0.2 # let the reader drain the last bytes
cleanup
exit "$status"
