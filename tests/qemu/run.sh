#!/bin/sh
# `make run`: boots build/nonos.img in QEMU on this terminal.
#   q35, 512 MiB, OVMF (firmware code read-only, a private copy of the
#   variable store in build/run/), the image as a raw disk (snapshot=on: the
#   image file is never written), COM1 and the QEMU monitor on this terminal
#   (-serial mon:stdio: Ctrl-A X quits, Ctrl-A C toggles the monitor).
#   With a graphical session and a QEMU display backend (gtk or sdl) the
#   screen opens in a window; otherwise -nographic. Emulation is TCG (what
#   the tests use; OVMF takes about 5 s); KVM=1 asks for KVM with TCG as the
#   fallback (opt-in: on some nested hosts /dev/kvm exists but cannot run OVMF).
#   `-cpu max` gives the guest what a current PC has (RDRAND, SMEP, SMAP),
#   and a virtio-rng device lets OVMF offer EFI_RNG_PROTOCOL, so the kernel's
#   random generator is seeded as it would be on hardware.
#   Devices as the tests have them (tests/qemu/boot.sh): the Intel IOMMU
#   with interrupt remapping first, then virtio-rng-pci and virtio-net-pci,
#   modern only and behind the IOMMU; the NIC's backend is a hub port with
#   nothing else on it (no frame leaves the machine; never slirp).
# Environment: IMAGE (default build/nonos.img), QEMU_MEMORY (default 512M),
# KVM=1 (adds kernel-irqchip=split, which interrupt remapping needs under
# KVM), QEMU_IOMMU=off (no IOMMU), QEMU_ARGS (extra arguments, split on spaces).
set -eu
cd "$(dirname "$0")/../.."
image=${IMAGE:-build/nonos.img}
[ -f "$image" ] || { echo "run: $image missing; run make first" >&2; exit 1; }
ovmf_code=/usr/share/OVMF/OVMF_CODE.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS.fd
[ -f "$ovmf_code" ] || { echo "run: OVMF missing; run make deps" >&2; exit 1; }
mkdir -p build/run
[ -f build/run/OVMF_VARS.fd ] || cp "$ovmf_vars" build/run/OVMF_VARS.fd

display=-nographic
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    backends=$(qemu-system-x86_64 -display help 2>/dev/null || true)
    case "$backends" in
        *gtk*) display="-display gtk" ;;
        *sdl*) display="-display sdl" ;;
    esac
fi
accel="-accel tcg"
machine=q35
if [ "${KVM:-0}" = 1 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    accel="-accel kvm -accel tcg"
    machine=q35,kernel-irqchip=split
fi
iommu="-device intel-iommu,intremap=on"
[ "${QEMU_IOMMU:-on}" = off ] && iommu=""

echo "run: booting $image (Ctrl-A X quits QEMU)"
# shellcheck disable=SC2086
exec qemu-system-x86_64 -machine "$machine" -m "${QEMU_MEMORY:-512M}" $accel $iommu \
    -drive "if=pflash,format=raw,unit=0,readonly=on,file=$ovmf_code" \
    -drive "if=pflash,format=raw,unit=1,file=build/run/OVMF_VARS.fd" \
    -drive "format=raw,file=$image,snapshot=on" \
    -cpu max -device virtio-rng-pci,disable-legacy=on,iommu_platform=on \
    -netdev hubport,id=net0,hubid=0 \
    -device virtio-net-pci,netdev=net0,disable-legacy=on,iommu_platform=on \
    -serial mon:stdio $display ${QEMU_ARGS:-}
