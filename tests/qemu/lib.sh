# Shell helpers for QEMU tests; source it: . tests/qemu/lib.sh
#
#   qemu_start IMAGE LOG TIMEOUT [QEMU ARGS]  boots in the background
#            (tests/qemu/boot.sh), sets QEMU_JOB; export SERIAL_INPUT first to
#            type at the console
#   qemu_wait_for LOG PATTERN SECONDS  waits until LOG has a line matching the
#            grep -E PATTERN; fails when the time is up or QEMU ended first
#   qemu_type TEXT                     types TEXT and Enter (CR) on COM1
#   qemu_stop                          ends the boot if still running
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

qemu_stop() {
    kill "$QEMU_JOB" 2>/dev/null
    wait "$QEMU_JOB" 2>/dev/null
    return 0
}

qemu_status() {
    wait "$QEMU_JOB"
    QEMU_STATUS=$?
}
