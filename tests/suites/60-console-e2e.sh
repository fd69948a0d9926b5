#!/bin/sh
# End-to-end console test: boots the real image (build/nonos.img) once in
# QEMU (OVMF, q35, TCG), types commands at the `nonos>` prompt on COM1 and
# checks each answer; `poweroff` must end QEMU within seconds with status 0.
# The prompt is the shell capsule's (user/shell/, started by init): the
# kernel's own shell must not run beside it, and every command reaches the
# kernel through the shell's capabilities (the process commands ps, run,
# kill, caps and audit included).
# One PASS/FAIL line per check. The whole boot is bounded by 150 s.
set -u
. tests/qemu/lib.sh
. tests/lib.sh
suite_require clang ld.lld lld-link sgdisk mkfs.fat mcopy sha256sum
suite_require_qemu

# A private work directory: several runs (two `make test` at once) must not
# share the serial FIFO or the log. Kept when a check fails, for the log.
mkdir -p build/tests
work=$(mktemp -d build/tests/console-e2e.XXXXXX)
log=$work/serial.log
image=$work/nonos.img

if ! make -s -j2 build/nonos.img; then
    echo "FAIL console-e2e: image build failed"
    exit 1
fi
# A private copy, and the kernel's hash taken at the same moment, so that a
# rebuild while the test runs cannot make them disagree.
cp build/nonos.img "$image"
kernel_sha=$(sha256sum build/kernel/nonos-kernel.elf | cut -d' ' -f1)
kernel_size=$(wc -c <build/kernel/nonos-kernel.elf | tr -d ' ')

export SERIAL_INPUT="$work/serial.in"
export MONITOR_INPUT="$work/monitor.in"  # for `sendkey`: typing on the PS/2 keyboard
qemu_start "$image" "$log" 150
trap 'qemu_stop' EXIT

failed=0
check() { # check CONDITION-STATUS NAME [REASON]
    if [ "$1" -eq 0 ]; then
        echo "PASS console-e2e: $2"
    else
        echo "FAIL console-e2e: $2: ${3:-}"
        failed=1
    fi
}
# run COMMAND: types it and waits (20 s at most) for the next prompt; the
# output from the echoed command up to that prompt is left in $answer.
run() {
    qemu_command "$log" "$1" 20
    _status=$?
    answer=$QEMU_ANSWER
    return $_status
}
# keys KEY...: presses QEMU keys (sendkey names) on the PS/2 keyboard, then
# waits for the next prompt like run.
keys() {
    qemu_answer_begin "$log"
    for _key in "$@"; do
        printf 'sendkey %s\n' "$_key" >"$MONITOR_INPUT"
        sleep 0.2
    done
    qemu_answer_wait "$log" 20
    _status=$?
    answer=$QEMU_ANSWER
    return $_status
}
has() { printf '%s\n' "$answer" | grep -aqE -- "$1"; }

if ! qemu_wait_for "$log" 'nonos> ' 120; then
    check 1 "prompt appears" "no prompt within 120 s (log: $log)"
    exit 1
fi
check 0 "prompt appears on COM1"
grep -aq 'boot: prompt tsc=[0-9]' "$log"
check $? "boot: prompt tsc= marker printed before the first prompt"
# init started the system capsules; the kernel shell is only a fallback.
prompts=$(tr -d '\r' <"$log" | grep -ac 'nonos> ')
grep -aq 'proc: init started' "$log" && ! grep -aq 'kernel: no init' "$log" && [ "$prompts" -eq 1 ]
check $? "init started and the shell capsule's prompt is the only one ($prompts prompts)" \
    "$(tr -d '\r' <"$log" | grep -a 'proc: \|kernel: no init\|nonos> ')"

run help
ok=0
for command in help mem uptime log measure capsules random ps run kill caps audit poweroff reboot; do
    has "^  $command( [A-Z|]+)? +[a-z]" || ok=1
done
check $ok "help lists every command with a one-line help" "$answer"
# The product kernel carries no test code: `selftest` is the test kernel's.
ok=0
has "^  selftest" && ok=1
check $ok "help of the product kernel has no selftest" "$answer"
run "selftest list"
has '^selftest: this kernel has no in-kernel tests' && ! has '^test '
check $? "selftest on the product kernel: no in-kernel tests" "$answer"

# The screen: a screendump (PPM) after `help` must show text. The kernel
# clears the framebuffer at boot, so every lit byte is the console's.
screen=$work/screen.ppm
lit=0 why="expected text on screen"
if qemu_screendump_ppm "$(pwd)/$screen" 30; then
    lit=$(tail -c +$((SCREEN_HEADER_BYTES + 1)) "$screen" | tr -d '\000' | wc -c)
else
    why="no complete screendump within 30 s ($(wc -c <"$screen" 2>/dev/null || echo no) bytes written; monitor log $MONITOR_INPUT.log)"
fi
[ "$lit" -gt 5000 ] && [ "$lit" -lt 1000000 ]
check $? "framebuffer console shows the text ($lit lit bytes in the screendump)" "$why"

run mem
has '^memory map: [0-9]+ regions' && has '^  usable +[1-9][0-9]* KiB' &&
    has '^frames: [1-9][0-9]* total .* [1-9][0-9]* free, [0-9]+ used' && has '^heap: [0-9]+ KiB mapped'
check $? "mem shows the map by type, frame and heap usage" "$answer"

run uptime
first=$(printf '%s\n' "$answer" | sed -n 's/^up \([0-9]*\.[0-9]*\) s (\([0-9]*\) ticks.*/\1/p')
sleep 1
run uptime
second=$(printf '%s\n' "$answer" | sed -n 's/^up \([0-9]*\.[0-9]*\) s (\([0-9]*\) ticks.*/\1/p')
[ -n "$first" ] && [ -n "$second" ] && awk "BEGIN { exit !($second > $first) }"
check $? "uptime increases between two calls ($first s, then $second s)" "$answer"

run log
has '^\[ *[0-9]+\.[0-9]{6}\] boot: entry tsc=[0-9]+' && has '^\[ *[0-9]+\.[0-9]{6}\] acpi: '
check $? "log shows timestamped kernel messages (boot entry, acpi)" "$answer"
# Capsules' console output reaches the log, each line tagged with the
# capsule's name; nothing of the shell's is untagged.
has '^\[ *[0-9]+\.[0-9]{6}\] \[shell\] .*help' &&
    ! printf '%s\n' "$answer" | grep -a '^\[ *[0-9]*\.[0-9]*\] ' | grep -v '\] \[[a-z-]*\] ' | grep -aqE 'unknown command|nonos> help'
check $? "log holds the shell's output tagged [shell], never as kernel messages" "$answer"

run measure
kernel_line=$(printf '%s\n' "$answer" | grep -a '^kernel ')
[ "$(echo "$kernel_line" | awk '{ print $3 }')" = "$kernel_sha" ]
check $? "measure: kernel sha256 equals sha256sum of the kernel ELF" "got '$kernel_line', want $kernel_sha"
[ "$(echo "$kernel_line" | awk '{ print $2 }')" = "$kernel_size" ]
check $? "measure: kernel size equals the ELF's size ($kernel_size bytes)" "$kernel_line"
has '^bundle +[0-9]+ +[0-9a-f]{64}$'
check $? "measure lists the boot bundle with its sha256" "$answer"

run random
first=$(printf '%s\n' "$answer" | sed -n 's/^\([0-9a-f]\{64\}\)  (seeded from \(.*\))$/\1/p')
run random
second=$(printf '%s\n' "$answer" | sed -n 's/^\([0-9a-f]\{64\}\)  (seeded from \(.*\))$/\1/p')
[ -n "$first" ] && [ -n "$second" ] && [ "$first" != "$second" ]
check $? "random prints 32 fresh bytes and the generator's sources, different each time" "$answer"

run lspci
has '^00:02\.0  1af4:1044 00\.ff  msi-x [0-9]+ +[0-9]+ virtio-rng +domain [1-9][0-9]*$' &&
    has '^00:03\.0  1af4:1041 02\.00  msi-x [0-9]+ +[0-9]+ virtio-net +domain [1-9][0-9]*$' &&
    has '^         bar4 mem 0x[0-9a-f]+, 16 KiB, 64-bit' && has '^00:00\.0  8086:29c0 06\.00 '
check $? "lspci lists the host bridge, virtio-rng and virtio-net with their BARs, driver capsules and IOMMU domains" "$answer"

run frobnicate
has "^unknown command 'frobnicate'; type help$"
check $? "an unknown command gets a clear message" "$answer"

# Line editing: "uptimx", DEL, "e" must run uptime; ctrl-U kills a line.
run "$(printf 'uptimx\177e')"
has '^up [0-9]+\.[0-9]+ s'
check $? "backspace (DEL) edits the line before Enter" "$answer"
run "$(printf '\033[Aupt\033[1;5Cime')"
has '^up [0-9]+\.[0-9]+ s' && ! has 'unknown command'
check $? "terminal escape sequences (arrow keys) are ignored" "$answer"
run "$(printf 'garbage\025help')"
has '^  uptime ' && ! has 'unknown command'
check $? "ctrl-U kills the typed line" "$answer"

# The PS/2 keyboard: QEMU's sendkey presses keys on the emulated 8042.
keys u p t i m e ret
has '^up [0-9]+\.[0-9]+ s'
check $? "PS/2 keyboard: typed uptime runs it" "$answer"
keys shift-x y shift-slash ret
has "^unknown command 'Xy\\?'; type help$"
check $? "PS/2 keyboard: shift gives capitals and symbols" "$answer"

# --- the process commands of the shell capsule ------------------------------
# ps_line NAME: the first (newest) line of $answer for a running NAME.
ps_line() { printf '%s\n' "$answer" | grep -aE "^ +[0-9]+  $1 +running " | head -n 1; }
ps_id() { ps_line "$1" | awk '{ print $1 }'; }
usage='[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} +[0-9]+/[1-9][0-9]* +[0-9]+/[0-9]+$'
run ps
ok=0
for capsule in init names shell; do
    ps_line "$capsule" | grep -aqE "running +$usage" || ok=1
done
has '^ +id +capsule +state +cpu used/budget \(s\) +memory \(KiB\) +threads' || ok=1
check $ok "ps lists init, names and shell running, with CPU used/budget and memory used/limit" "$answer"
init_id=$(ps_id init) names_id=$(ps_id names) shell_id=$(ps_id shell)

# run hello: a capsule of the bundle, started again; it prints one line
# (maybe after the shell's next prompt: it runs beside the shell).
hellos() { tr -d '\r' <"$log" | grep -a 'hello from hello' | grep -vc '\[hello\]'; }
hello_before=$(hellos)
run "run hello"
hello_id=$(printf '%s\n' "$answer" | sed -n 's/^started hello: process \([0-9]*\)$/\1/p')
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(hellos)" -gt "$hello_before" ] && break
    sleep 1
done
[ -n "$hello_id" ] && [ "$(hellos)" -gt "$hello_before" ]
check $? "run hello starts it (process ${hello_id:-none}) and it prints 'hello from hello'" "$answer"

# caps: the slots docs/policy.md gives (console rw for the shell only, the
# names endpoint badged with the process id except for the server).
run "caps $shell_id"
has '^ +0  console +rw-- +0$' && has '^ +1  timer +-w-- +0$' &&
    has "^ +2  endpoint +-w-- +$shell_id\$" && has '^ +3  supervisor +r--c +0$' &&
    [ "$(printf '%s\n' "$answer" | grep -acE '^ +[0-9]+  [a-z]')" -eq 4 ]
check $? "caps of the shell: console rw, timer w, names endpoint w badge $shell_id, supervisor r+c" "$answer"
run "caps $names_id"
has '^ +0  console +-w-- +0$' && has '^ +2  endpoint +r-g- +0$' && has '^ +3  supervisor +r--- +0$'
check $? "caps of names: console w, names endpoint read+grant unbadged, supervisor read" "$answer"
run "caps 999999"
has '^caps 999999: '
check $? "caps of no such process: an error message" "$answer"

# kill: names is killed, ps shows it, and init restarts it (restart = "always").
run "kill $names_id"
has "^killed process $names_id\$"
check $? "kill $names_id (names) answers killed" "$answer"
new_names=
for _ in 1 2 3 4 5 6 7 8 9 10; do
    run ps
    new_names=$(ps_id names)
    [ -n "$new_names" ] && [ "$new_names" != "$names_id" ] && break
    sleep 1
done
has "^ +$names_id  names +killed: supervisor " && [ -n "$new_names" ] && [ "$new_names" != "$names_id" ]
check $? "ps shows names $names_id killed and init's restart of it (process ${new_names:-none})" "$answer"

# audit: start, exit and kill records, and init's restart.
run audit
has "process $init_id \(init\) start" && has "process $shell_id \(shell\) start" &&
    has "process ${hello_id:-x} \(hello\) exit" && has "process $names_id \(names\) kill" &&
    has "process ${new_names:-x} \(names\) start"
check $? "audit shows the starts, hello's exit, the kill of names and its restart" "$answer"

offset=$(wc -c <"$log")
start=$(date +%s)
qemu_type poweroff
wait "$QEMU_JOB"
status=$?
trap - EXIT
seconds=$(($(date +%s) - start))
tail -c +"$((offset + 1))" "$log" | tr -d '\r' >"$work/poweroff.log"
grep -aqE '^zerostate: wiped [1-9][0-9]* KiB \(free frames [1-9][0-9]* KiB' "$work/poweroff.log"
check $? "poweroff runs the ZeroState wipe first" "$(cat "$work/poweroff.log")"
grep -aqE '^zerostate: read back [1-9][0-9]* KiB: all zero$' "$work/poweroff.log"
check $? "ZeroState: wiped memory reads back as zero" "$(cat "$work/poweroff.log")"
[ "$status" -eq 0 ] && [ "$seconds" -le 15 ]
check $? "poweroff ends QEMU by ACPI S5 (status $status after ${seconds} s)" "expected status 0 within 15 s"
[ "$failed" -eq 0 ] && rm -rf "$work"
exit 0
