# Shell helpers for QEMU tests; source it: . tests/qemu/lib.sh
#
#   qemu_start IMAGE LOG TIMEOUT [QEMU ARGS]  boots in the background
#            (tests/qemu/boot.sh), sets QEMU_JOB; export SERIAL_INPUT first to
#            type at the console
#   qemu_wait_for LOG PATTERN SECONDS  waits until LOG has a line matching the
#            grep -E PATTERN; fails when the time is up or QEMU ended first
#   qemu_type TEXT                     types TEXT and Enter (CR) on COM1
#   qemu_command LOG TEXT SECONDS      types TEXT and Enter, waits for the
#            next `nonos> ` prompt and sets QEMU_ANSWER to everything logged
#            since (CRs removed); fails when no prompt came in time
#   qemu_answer_begin LOG / qemu_answer_wait LOG SECONDS  the two halves of
#            qemu_command, for input that is not typed on COM1 (sendkey)
#   qemu_cpu_sample LOG NAME...        types `uptime` and `ps`; prints the
#            guest's uptime and the CPU each named capsule was charged, all
#            in microseconds, on one line (fails when either got no answer)
#   qemu_stop                          ends the boot if still running
#   qemu_log_number LOG PREFIX         prints the number that follows PREFIX
#            (a sed pattern) on the first LOG line that has it, or nothing
#   qemu_screendump_ppm FILE SECONDS   has QEMU's monitor dump the screen as
#            PPM into FILE (export MONITOR_INPUT first) and waits until the
#            whole file is written: the size its header announces. Sets
#            SCREEN_HEADER_BYTES (where the pixels start); fails on timeout
#   qemu_status                        waits for the boot to end and sets
#            QEMU_STATUS to its exit status (boot.sh's; call it directly, not
#            in $(...): only this shell can wait for the job)
# Logs may contain CR and terminal escapes from the firmware; patterns should
# match inside a line, not anchor at its end.

qemu_start() {
    : >"$2"
    sh tests/qemu/boot.sh "$@" &
    QEMU_JOB=$!
}

qemu_wait_for() {
    _log=$1 _pattern=$2 _ticks=$(($3 * 5))
    while [ "$_ticks" -gt 0 ]; do
        if grep -aqE -- "$_pattern" "$_log" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$QEMU_JOB" 2>/dev/null; then
            grep -aqE -- "$_pattern" "$_log" 2>/dev/null
            return $?
        fi
        sleep 0.2
        _ticks=$((_ticks - 1))
    done
    return 1
}

qemu_type() {
    printf '%s\r' "$1" >"$SERIAL_INPUT"
}

# An answer is complete only when the next prompt is printed: a line that
# matches early may be followed by more of the same answer. Only a prompt
# at the start of a line counts: the kernel log (`log`) holds the shell's
# earlier prompts as tagged lines ("[   0.14] [shell] nonos> "), which
# would otherwise end an answer early and shift every later one.
qemu_prompts() {
    grep -ao '^nonos> ' "$1" | wc -l
}

qemu_answer_begin() {
    _answer_prompts=$(qemu_prompts "$1")
    _answer_offset=$(wc -c <"$1")
}

qemu_answer_wait() {
    _ticks=$(($2 * 5))
    while [ "$(qemu_prompts "$1")" -le "$_answer_prompts" ] && [ "$_ticks" -gt 0 ]; do
        sleep 0.2
        _ticks=$((_ticks - 1))
    done
    QEMU_ANSWER=$(tail -c +"$((_answer_offset + 1))" "$1" | tr -d '\r')
    [ "$_ticks" -gt 0 ]
}

qemu_command() {
    qemu_answer_begin "$1"
    qemu_type "$2"
    qemu_answer_wait "$1" "$3"
}

qemu_cpu_sample() {
    _log=$1
    shift
    qemu_command "$_log" uptime 30 || return 1
    _sample=$(echo "$QEMU_ANSWER" | sed -n 's/^up \([0-9][0-9]*\)\.\([0-9]\{6\}\) s.*/\1\2/p' | head -n 1)
    qemu_command "$_log" ps 30 || return 1
    for _name in "$@"; do
        _sample="$_sample $(echo "$QEMU_ANSWER" | awk -v n="$_name" '$2 == n { split($4, a, "/"); split(a[1], s, "."); print s[1] * 1000000 + s[2] * 1000 }')"
    done
    echo "$_sample"
}

qemu_stop() {
    kill "$QEMU_JOB" 2>/dev/null
    wait "$QEMU_JOB" 2>/dev/null
    return 0
}

qemu_log_number() {
    tr -d '\r' <"$1" | sed -n "s/.*$2\([0-9][0-9]*\).*/\1/p" | head -n 1
}

# QEMU writes the dump in several writes; a size check alone can see the
# header before the pixels, so the header is parsed on every look and the
# wait ends only at the announced size.
qemu_screendump_ppm() {
    rm -f "$1"
    printf 'screendump %s\n' "$1" >"$MONITOR_INPUT"
    _ticks=$(($2 * 5))
    while [ "$_ticks" -gt 0 ]; do
        _header=$(head -c 64 "$1" 2>/dev/null | head -n 3)
        _dims=$(printf '%s\n' "$_header" | sed -n 2p)
        if [ "$(printf '%s\n' "$_header" | sed -n '1p;3p' | tr '\n' ' ')" = "P6 255 " ] &&
            [ -n "$_dims" ]; then
            SCREEN_HEADER_BYTES=$((${#_dims} + 8)) # "P6\n" dims "\n255\n"
            _want=$((SCREEN_HEADER_BYTES + $(echo "$_dims" | awk '{ print $1 * $2 * 3 }')))
            [ "$(wc -c <"$1")" -eq "$_want" ] && return 0
        fi
        sleep 0.2
        _ticks=$((_ticks - 1))
    done
    return 1
}

qemu_status() {
    wait "$QEMU_JOB"
    QEMU_STATUS=$?
}
