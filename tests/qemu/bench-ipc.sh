#!/bin/sh
# `make bench-ipc` (a benchmark, not a test): system-call and IPC cost in
# instructions, NØNOS against Linux in the same run. Every boot uses QEMU
# -icount shift=0,sleep=off -rtc clock=vm (TCG, -cpu qemu64,+rdrand,+smep,+smap,
# 1 vCPU, q35, 512 MiB), where the guest TSC counts retired instructions.
#   Linux:  Debian 12's linux-image-amd64 (apt-get download, not installed;
#           cached in build/bench-ipc/linux) booted directly (-kernel) with
#           a one-program initramfs (tests/bench/ipc/linux_init.c) that
#           measures a raw getppid and a 1-byte pipe round trip between two
#           processes, prints them on ttyS0 and powers off; once with the
#           default mitigations and once with mitigations=off.
#   NØNOS:  build/nonos.img booted as bench-boot does, for kernel entry ->
#           `nonos>` prompt; then an image whose boot bundle adds the
#           capsules bench-ipc-server and bench-ipc-client
#           (tests/bench/ipc/), which print the null-call and IPC
#           round-trip figures on the console.
#   Sizes:  the kernel ELF (build/kernel/nonos-kernel.elf) and Linux's vmlinuz.
# A figure that could not be measured is a FAILED line with the reason, never
# a number, and makes the exit status 1 (after the whole table is printed).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
work=build/bench-ipc
mkdir -p "$work/linux"
trap 'qemu_stop' EXIT
failed=0
ICOUNT="-icount shift=0,sleep=off -rtc clock=vm" # as written out in each boot below
# One CPU model for every boot. RDRAND because under -icount the TSC is
# deterministic, so NØNOS's jitter entropy source fails its health test and,
# without a hardware source, the kernel cannot randomize a process's layout
# and starts no capsule; SMEP and SMAP because both kernels use them when
# present (as on any recent PC). Override with BENCH_IPC_CPU.
CPU=${BENCH_IPC_CPU:-qemu64,+rdrand,+smep,+smap}
LINUX_APPEND="console=ttyS0 quiet"

fail() {
    echo "FAILED bench-ipc $*"
    failed=1
}

# The figure of a "bench-ipc SYSTEM: METRIC N.N instructions (...)" line.
figure() {
    tr -d '\r' <"$1" | sed -n "s/.*bench-ipc $2: $3 \([0-9.]*\) instructions.*/\1/p" | head -n 1
}
detail() {
    tr -d '\r' <"$1" | sed -n "s/.*bench-ipc $2: $3 [0-9.]* instructions (\(.*\))/\1/p" | head -n 1
}
verdict() {
    awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "MISSED" }'
}

# Fetches Debian's kernel (the linux-image-amd64 metapackage names the
# image package it depends on) unless that exact version is cached, and
# extracts its vmlinuz. Sets LINUX_VMLINUZ and LINUX_PACKAGE.
linux_fetch() {
    cache=$work/linux
    command -v apt-get >/dev/null || { echo "bench-ipc: apt-get missing (a Debian host is needed)"; return 1; }
    apt-cache show linux-image-amd64 >/dev/null 2>&1 || {
        sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
        $sudo apt-get update -qq
    }
    (cd "$cache" && rm -f linux-image-amd64_*.deb &&
        apt-get download linux-image-amd64 >download.log 2>&1) ||
        { echo "bench-ipc: apt-get download linux-image-amd64 failed (see $cache/download.log)"; return 1; }
    meta=$(ls "$cache"/linux-image-amd64_*.deb)
    depends=$(dpkg-deb -f "$meta" Depends)
    package=$(echo "$depends" | sed -n 's/^\(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1/p')
    version=$(echo "$depends" | sed -n 's/^\(linux-image-[^ ,]*\) (= \([^)]*\)).*/\2/p')
    [ -n "$package" ] || { echo "bench-ipc: unexpected Depends of $meta: $depends"; return 1; }
    deb=$cache/${package}_${version}_amd64.deb
    if [ ! -f "$deb" ]; then
        (cd "$cache" && apt-get download "$package=$version" >>download.log 2>&1) ||
            { echo "bench-ipc: apt-get download $package failed (see $cache/download.log)"; return 1; }
    fi
    LINUX_PACKAGE="$package $version"
    LINUX_VMLINUZ=$cache/vmlinuz-${package#linux-image-}-$version
    if [ ! -f "$LINUX_VMLINUZ" ]; then
        if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards './boot/vmlinuz-*' >"$LINUX_VMLINUZ.tmp"; then
            echo "bench-ipc: no vmlinuz in $deb"
            return 1
        fi
        mv "$LINUX_VMLINUZ.tmp" "$LINUX_VMLINUZ"
    fi
}

# linux_boot LOG APPEND: one boot to its own power-off (300 s at most).
linux_boot() {
    timeout -k 5 300 qemu-system-x86_64 -machine q35 -m 512M -accel tcg -cpu "$CPU" \
        -icount shift=0,sleep=off -rtc clock=vm \
        -display none -monitor none -serial "file:$1" -no-reboot \
        -kernel "$LINUX_VMLINUZ" -initrd "$work/initramfs.cpio.gz" -append "$2" \
        </dev/null >>"$work/qemu.err" 2>&1
}

echo "bench-ipc: command: make bench-ipc (tests/qemu/bench-ipc.sh; QEMU TCG, q35, 512 MiB, -cpu $CPU," \
    "1 vCPU, $ICOUNT: the guest TSC counts retired instructions)"

# --- Linux -----------------------------------------------------------------
linux_getppid='' linux_pipe='' linux_init='' linux_size='' linux_name='Linux (not run)'
if linux_fetch; then
    linux_name="Linux $(echo "$LINUX_PACKAGE" | sed 's/.* \([0-9.]*\)-.*/\1/')"
    linux_size=$(wc -c <"$LINUX_VMLINUZ" | tr -d ' ')
    sh tests/bench/ipc/make-initramfs.sh "$work/init" "$work/initramfs.cpio.gz" || exit 1
    for variant in default off; do
        append=$LINUX_APPEND
        [ "$variant" = off ] && append="$append mitigations=off"
        log=$work/linux-mitigations-$variant.log
        : >"$log"
        linux_boot "$log" "$append"
        status=$?
        echo "bench-ipc linux: Debian $LINUX_PACKAGE, -kernel $LINUX_VMLINUZ -append \"$append\"" \
            "(exit $status; log: $log)"
        tr -d '\r' <"$log" | grep -aE 'bench-ipc linux: (meltdown|spectre)' | sed 's/^/  /'
        getppid=$(figure "$log" linux getppid)
        pipe=$(figure "$log" linux pipe_round_trip)
        init=$(tr -d '\r' <"$log" | sed -n 's/.*bench-ipc linux: init tsc=\([0-9]*\).*/\1/p' | head -n 1)
        if [ -z "$getppid" ] || [ -z "$pipe" ]; then
            fail "linux ($append): no figures (exit $status, log: $log)"
            continue
        fi
        echo "bench-ipc linux ($append): getppid $getppid instructions ($(detail "$log" linux getppid))"
        echo "bench-ipc linux ($append): pipe round trip $pipe instructions ($(detail "$log" linux pipe_round_trip))"
        echo "bench-ipc linux ($append): reset -> /init $init instructions (SeaBIOS, decompression, kernel boot)"
        if [ "$variant" = default ]; then
            linux_getppid=$getppid linux_pipe=$pipe linux_init=$init
        else
            linux_off_getppid=$getppid linux_off_pipe=$pipe
        fi
    done
else
    fail "linux: not measured (the kernel could not be fetched)"
fi

# --- NØNOS: entry -> prompt (bench-boot's method) -------------------------------
nonos_prompt=
log=$work/nonos-boot.log
qemu_start build/nonos.img "$log" 900 -cpu "$CPU" -icount shift=0,sleep=off -rtc clock=vm \
    2>>"$work/qemu.err"
if qemu_wait_for "$log" 'nonos> ' 890; then
    entry=$(qemu_log_number "$log" 'boot: entry tsc=')
    prompt=$(qemu_log_number "$log" 'boot: prompt tsc=')
    [ -n "$entry" ] && [ -n "$prompt" ] && nonos_prompt=$((prompt - entry))
fi
qemu_stop
[ -n "$nonos_prompt" ] || fail "nonos: kernel entry -> prompt not measured (no prompt or TSC lines in $log)"
nonos_size=$(wc -c <build/kernel/nonos-kernel.elf | tr -d ' ')

# --- NØNOS: null call and IPC round trip ---------------------------------------
# The bench image's bundle is the system bundle's composition (the staged
# system capsule projects of BENCH_IPC_SYSTEM_PROJECTS, set by the make rule,
# then the SDK's hello) with bench-ipc-server and bench-ipc-client after the
# system capsules, all built and signed by tools/capsule/system-bundle.sh
# exactly as the system bundle is, from copies in build/bench-ipc/projects
# (the bench capsules with the shared headers next to their sources) and
# with a key of this build tree's bench directory.
nonos_null='' nonos_ipc='' nonos_registers='' nonos_reason=''
build_capsules() {
    projects=$work/projects
    rm -rf "$projects"
    mkdir -p "$projects"
    list=
    for project in ${BENCH_IPC_SYSTEM_PROJECTS:-}; do
        cp -R "$project" "$projects/$(basename "$project")"
        list="$list $projects/$(basename "$project")"
    done
    for capsule in server client; do
        cp -R "tests/bench/ipc/$capsule" "$projects/bench-ipc-$capsule"
        cp tests/bench/ipc/bench_measure.h tests/bench/ipc/bench_protocol.h "$projects/bench-ipc-$capsule/src/"
        list="$list $projects/bench-ipc-$capsule"
    done
    # shellcheck disable=SC2086
    sh tools/capsule/system-bundle.sh build/host/nonos-capsule "$work/system" $list >"$work/bundle.log" 2>&1 ||
        { nonos_reason="the bench bundle could not be built (see $work/bundle.log)"; return 1; }
    cp "$work/system/bundle.bin" "$work/bundle.bin"
    make -s -j2 "$work/bench-ipc.img" >"$work/image.log" 2>&1 ||
        { nonos_reason="image build failed (see $work/image.log)"; return 1; }
}
if build_capsules; then
    log=$work/nonos-ipc.log
    qemu_start "$work/bench-ipc.img" "$log" 900 -cpu "$CPU" -icount shift=0,sleep=off -rtc clock=vm \
        2>>"$work/qemu.err"
    # The client prints "start" when it runs; a kernel that does not start
    # capsules reaches its prompt and stays there: after the prompt, the
    # capsules get 30 s more (billions of instructions) to show up.
    qemu_wait_for "$log" 'bench-ipc nonos: start|nonos> |PANIC' 890
    grep -aq 'bench-ipc nonos: start' "$log" || qemu_wait_for "$log" 'bench-ipc nonos: start|PANIC' 30
    grep -aq 'bench-ipc nonos: start' "$log" && qemu_wait_for "$log" 'bench-ipc nonos: done|PANIC' 600
    qemu_stop
    tr -d '\r' <"$log" | grep -a 'bench-ipc nonos: FAILED' | sed 's/^/  /'
    nonos_null=$(figure "$log" nonos null)
    nonos_ipc=$(figure "$log" nonos ipc_round_trip)
    nonos_registers=$(figure "$log" nonos ipc_register_round_trip)
    if ! grep -aq 'bench-ipc nonos: start' "$log"; then
        nonos_reason="the kernel did not start the bench capsules: no 'bench-ipc nonos: start' in $log"
        grep -aq 'PANIC' "$log" && nonos_reason="kernel panic (see $log)"
    else
        nonos_reason="the capsules started; see their FAILED line or the end of $log"
    fi
fi
if [ -n "$nonos_null" ]; then
    echo "bench-ipc nonos: null call $nonos_null instructions ($(detail "$log" nonos null))"
else
    fail "nonos null: not measured ($nonos_reason)"
fi
if [ -n "$nonos_ipc" ]; then
    echo "bench-ipc nonos: IPC call+reply $nonos_ipc instructions ($(detail "$log" nonos ipc_round_trip))"
else
    fail "nonos ipc_round_trip: not measured ($nonos_reason)"
fi
if [ -n "$nonos_registers" ]; then
    echo "bench-ipc nonos: IPC call+reply, register message (fast path) $nonos_registers instructions" \
        "($(detail "$log" nonos ipc_register_round_trip))"
else
    fail "nonos ipc_register_round_trip: not measured ($nonos_reason)"
fi

# --- The table -------------------------------------------------------------------
cell() { if [ -n "$1" ]; then echo "$1"; else echo "FAILED (not measured)"; fi; }
target() {
    if [ -n "$1" ]; then echo "$2 ($(verdict "$1" "$3"))"; else echo "$2"; fi
}
echo "bench-ipc: table (instructions; Linux: Debian ${LINUX_PACKAGE:-?}, -append \"$LINUX_APPEND\";" \
    "mitigations=off: getppid ${linux_off_getppid:-?}, pipe ${linux_off_pipe:-?})"
echo "| metric | NØNOS | $linux_name | target |"
echo "| --- | --- | --- | --- |"
echo "| null syscall (Linux: raw getppid) | $(cell "$nonos_null") | $(cell "$linux_getppid") |" \
    "$(target "$nonos_null" "<= 161" 161) |"
echo "| IPC call+reply, two address spaces (Linux: 1-byte pipe round trip, two processes) |" \
    "$(cell "$nonos_ipc") | $(cell "$linux_pipe") | $(target "$nonos_ipc" "<= 1000, moonshot <= 500" 1000) |"
echo "| IPC call+reply, register message (fast path), two address spaces (Linux: the same pipe round trip) |" \
    "$(cell "$nonos_registers") | $(cell "$linux_pipe") | $(target "$nonos_registers" "<= 1000, moonshot <= 500" 1000) |"
echo "| kernel entry -> nonos> prompt (Linux: reset -> /init, incl. SeaBIOS) | $(cell "$nonos_prompt") |" \
    "$(cell "$linux_init") | $(target "$nonos_prompt" "< 20000000" 19999999) |"
echo "| kernel size, bytes (NØNOS: ELF; Linux: compressed vmlinuz) | $nonos_size | $(cell "$linux_size") |" \
    "$(target "$nonos_size" "< 524288" 524287) |"
exit "$failed"
