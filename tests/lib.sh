# Shell helpers shared by the test suites; source it: . tests/lib.sh
#
#   suite_require TOOL...   every TOOL must be a command on PATH; for each
#            missing one prints "FAIL tool <TOOL>: not found (...)" and, if
#            any is missing, exits 1: a suite never passes by not running.
#   suite_require_ovmf      the OVMF firmware files QEMU boots with
#   suite_require_qemu      qemu-system-x86_64 and OVMF
#   suite_check_freestanding LABEL ENV SOURCE...  builds SOURCE's objects for
#            build environment ENV (kernel, efi) and checks they need no symbol
#            beyond each other and memcpy/memset/memmove (lib/base/mem.c):
#            one PASS or FAIL line "LABEL sources build freestanding (ENV)"
# The runner (tests/run.sh) counts a suite that prints no PASS or FAIL line
# as a failure; these helpers make the reason explicit.

OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd

suite_require() {
    _missing=0
    for _tool in "$@"; do
        if ! command -v "$_tool" >/dev/null 2>&1; then
            echo "FAIL tool $_tool: not found on PATH (make deps installs it)"
            _missing=1
        fi
    done
    [ "$_missing" -eq 0 ] || exit 1
}

suite_require_ovmf() {
    for _file in "$OVMF_CODE" "$OVMF_VARS"; do
        if [ ! -f "$_file" ]; then
            echo "FAIL tool OVMF: $_file missing (make deps installs the ovmf package)"
            exit 1
        fi
    done
}

suite_require_qemu() {
    suite_require qemu-system-x86_64
    suite_require_ovmf
}

suite_check_freestanding() {
    _label=$1 _env=$2
    shift 2
    _objects=$(for _source in "$@"; do echo "build/$_env/${_source%.c}.o"; done)
    # shellcheck disable=SC2086
    if ! make -s -j2 $_objects; then
        echo "FAIL $_label sources build freestanding ($_env): compile error"
        return
    fi
    # shellcheck disable=SC2086
    _defined=$(llvm-nm --defined-only $_objects | awk 'NF == 3 { print $3 }' | sort -u)
    # shellcheck disable=SC2086
    _extra=$(llvm-nm -u $_objects | awk 'NF == 2 { print $2 }' | sort -u |
        grep -v -x -e memcpy -e memset -e memmove \
            $(for _symbol in $_defined; do printf ' -e %s' "$_symbol"; done) | tr '\n' ' ')
    if [ -n "$_extra" ]; then
        echo "FAIL $_label sources build freestanding ($_env): undefined symbols: $_extra"
    else
        echo "PASS $_label sources build freestanding ($_env), no libc symbols"
    fi
}
