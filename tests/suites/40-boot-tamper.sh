#!/bin/sh
# The loader in QEMU (OVMF, q35, TCG), five boots:
#   1. the loader test image (build/test/loader.img): the fake kernel
#      (tests/qemu/fake_kernel.c) checks the handoff from the receiving side;
#      its PASS/FAIL lines are passed through as boot-handoff cases;
#   1b. the same image attached as a USB stick (xhci usb-storage), the way a
#      stick written with dd boots on a PC, with a virtio-rng device so the
#      firmware's EFI_RNG_PROTOCOL seeds bootinfo.rng_seed;
#   2. the real image: both parts verified and the kernel started;
#   3. a copy of the real image whose KERNEL.ELF has one byte flipped after
#      the build (with mtools): the loader must name the kernel, print the
#      expected and the actual digest, never start the kernel, and power off
#      after a key;
#   4. the same with one byte of BUNDLE.BIN flipped;
#   5. build/test/bad-elf.img, whose kernel matches the built-in digest but
#      has a writable and executable segment: refused by the ELF checks.
set -u
. tests/qemu/lib.sh
. tests/lib.sh
suite_require clang ld.lld lld-link sgdisk mkfs.fat mcopy sha256sum
suite_require_qemu

# A private directory per run (several people may run the suites at once);
# removed when every case passed, kept for its logs otherwise.
work=build/test/boot-tamper/$$
mkdir -p "$work"
esp_offset=1048576 # the ESP starts at sector 2048 (tools/image/mkimage.sh)
export MTOOLS_SKIP_CHECK=1

if ! make -s -j2 build/nonos.img build/test/loader.img build/test/bad-elf.img; then
    echo "FAIL boot-tamper: image build failed"
    exit 1
fi
# Private copies: other suites may rebuild build/ while this one runs. Every
# expected digest below comes from these copies.
cp build/nonos.img "$work/good.img"
cp build/test/loader.img "$work/loader.img"
cp build/test/bad-elf.img "$work/bad-elf.img"
mcopy -n -i "$work/good.img@@$esp_offset" ::/NONOS/KERNEL.ELF "$work/kernel.elf"
trap 'qemu_stop; grep -q "^FAIL" "$work/results" || rm -rf "$work"' EXIT

result() { # result STATUS NAME [REASON]
    if [ "$1" -eq 0 ]; then echo "PASS $2"; else echo "FAIL $2: ${3:-}"; fi | tee -a "$work/results"
}
has() { tr -d '\r' <"$1" | grep -aqE -- "$2"; }

# flip IMAGE PATH-ON-ESP OFFSET: inverts one byte of a file inside the image.
flip() {
    mcopy -n -i "$1@@$esp_offset" "::$2" "$work/part" || return 1
    byte=$(od -An -tu1 -j "$3" -N 1 "$work/part" | tr -d ' ')
    [ -n "$byte" ] || return 1
    printf "\\$(printf %o $((byte ^ 255)))" |
        dd of="$work/part" bs=1 seek="$3" conv=notrunc status=none
    mcopy -o -i "$1@@$esp_offset" "$work/part" "::$2"
}

# 1. The handoff, checked by the fake kernel.
log=$work/loader.log
: >"$log"
sh tests/qemu/boot.sh "$work/loader.img" "$log" 120 >/dev/null 2>&1
status=$?
tr -d '\r' <"$log" | sed -n 's/^fake-kernel: \(PASS\|FAIL\) \(.*\)/\1 boot-handoff: \2/p' |
    sed "s|^FAIL \(.*\)\$|FAIL \1: fake kernel check failed (log: $log)|" | tee -a "$work/results"
checks=$(tr -d '\r' <"$log" | grep -c '^fake-kernel: PASS')
result $(( status == 33 && checks >= 17 ? 0 : 1 )) "boot-handoff: fake kernel verdict" \
    "QEMU status $status (33 = all passed), $checks checks passed (log: $log)"

# 1b. The same image booted from a USB stick.
log=$work/usb.log
: >"$log"
QEMU_DISK=usb sh tests/qemu/boot.sh "$work/loader.img" "$log" 120 -device virtio-rng-pci \
    >/dev/null 2>&1
status=$?
has "$log" 'fake-kernel: all checks passed'
result $(( status == 33 && $? == 0 ? 0 : 1 )) "boot-usb: loader image boots from a USB stick" \
    "QEMU status $status (log: $log)"
has "$log" 'RNG seed from firmware' && has "$log" 'fake-kernel: rng seed present'
result $? "boot-usb: firmware RNG seed handed over (virtio-rng)" "no seed (log: $log)"

# 1c. A boot command line (\NONOS\CMDLINE): measured as a third entry and
# handed over (the fake kernel hashes bootinfo's copy against the entry).
log=$work/cmdline.log
: >"$log"
sh tools/image/set-cmdline.sh "$work/loader.img" "$work/cmdline.img" "dma=unconfined" &&
    QEMU_DEVICES=off sh tests/qemu/boot.sh "$work/cmdline.img" "$log" 120 >/dev/null 2>&1
status=$?
cmdline_sha=$(printf 'dma=unconfined' | sha256sum | cut -c1-64)
has "$log" 'fake-kernel: all checks passed' && has "$log" 'fake-kernel: command line present' &&
    has "$log" "loader: cmdline: 14 bytes, sha256 $cmdline_sha \(measured\)"
result $(( status == 33 && $? == 0 ? 0 : 1 )) \
    "boot-cmdline: \\NONOS\\CMDLINE measured (sha256 in the log) and handed over in bootinfo" \
    "QEMU status $status (log: $log)"

# 2. The real image passes the check and the kernel starts.
log=$work/good.log
qemu_start "$work/good.img" "$log" 120
if qemu_wait_for "$log" 'boot: entry' 110; then found=0; else found=1; fi
qemu_stop
kernel_sha=$(sha256sum "$work/kernel.elf" | cut -c1-64)
has "$log" "loader: kernel: [0-9]+ bytes, sha256 $kernel_sha" && has "$log" 'loader: kernel verified' &&
    has "$log" 'loader: bundle verified' && has "$log" 'entering the kernel'
result $(( found || $? )) "boot-tamper: untampered image verified and the kernel started" \
    "no verification or kernel entry (log: $log)"

# boot_refusal IMAGE LOG: boots until the loader asks for a key (or the kernel
# starts), types one, and sets $status to QEMU's exit status ("none" when
# there was no refusal) and $seconds to how long the power-off took.
boot_refusal() {
    export SERIAL_INPUT=$2.in
    qemu_start "$1" "$2" 120
    if qemu_wait_for "$2" 'press a key to power off|entering the kernel' 110 &&
        has "$2" 'press a key to power off'; then
        sleep 1
        qemu_type x
        start=$(date +%s)
        qemu_status
        status=$QEMU_STATUS seconds=$(( $(date +%s) - start ))
    else
        qemu_stop # no refusal: do not wait for the timeout
        status="none (no refusal)" seconds=0
    fi
    unset SERIAL_INPUT
}

# never_started NAME LOG; powered_off NAME LOG
never_started() {
    ! has "$2" 'entering the kernel|boot: entry|kernel alive|nonos>'
    result $? "boot-tamper: $1: the kernel never started" "kernel output in $2"
}
powered_off() {
    [ "$status" = 0 ] && [ "$seconds" -le 30 ]
    result $? "boot-tamper: $1: powers off after a key" "QEMU status $status (log: $2)"
}

# 3 and 4: one byte flipped in a part; the loader must refuse it.
refused() { # refused NAME ESP-PATH OFFSET PART
    image=$work/$1.img log=$work/$1.log
    cp "$work/good.img" "$image"
    if ! flip "$image" "$2" "$3"; then
        result 1 "boot-tamper: $1" "could not alter $2 in the image"
        return
    fi
    expected=$(mcopy -n -i "$work/good.img@@$esp_offset" "::$2" - | sha256sum | cut -c1-64)
    actual=$(sha256sum "$work/part" | cut -c1-64)
    boot_refusal "$image" "$log"
    has "$log" "loader: REFUSED: $4 digest mismatch" &&
        has "$log" "the $4 does not match the digest built into this loader" &&
        has "$log" "expected sha256 $expected" && has "$log" "actual   sha256 $actual"
    result $? "boot-tamper: $1: loader names the $4 and both digests" "refusal missing (log: $log)"
    never_started "$1" "$log"
    powered_off "$1" "$log"
}
kernel_size=$(wc -c <"$work/kernel.elf")
refused kernel /NONOS/KERNEL.ELF $((kernel_size / 2)) kernel
refused bundle /NONOS/BUNDLE.BIN 0 bundle

# 5. A verified but invalid kernel ELF.
log=$work/bad-elf.log
boot_refusal "$work/bad-elf.img" "$log"
has "$log" 'loader: kernel verified' &&
    has "$log" 'loader: kernel ELF rejected: segment both writable and executable' &&
    has "$log" 'loader: REFUSED: invalid kernel ELF'
result $? "boot-tamper: bad-elf: verified W+X kernel refused by the ELF checks" \
    "refusal missing (log: $log)"
never_started bad-elf "$log"
powered_off bad-elf "$log"
