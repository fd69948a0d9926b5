#!/bin/sh
# Runs every test suite in tests/suites/ (sorted by name) and prints one
# closing line "N passed, N failed".
#
# A suite is an executable shell script run from the repository root. It builds
# what it needs (through make) and prints one line per test case:
#     PASS <name>
#     FAIL <name>: <reason>
# Anything else it prints is kept in build/test-logs/<suite>.log only. A suite
# counts as one more failure when it exits non-zero without printing a FAIL
# line, runs past its time limit, or prints no PASS or FAIL line at all: a
# crash, a hang or a suite that checked nothing can never pass silently.
#
# Environment: SUITES="name1 name2" runs only those suites (file names without
# .sh); a name that is not a suite is an error (exit 2, nothing run).
# SUITE_TIMEOUT (seconds, default 1500) bounds each suite. SUITES_DIR (default
# tests/suites) is for the runner's own test (suite 05-runner).
set -u
cd "$(dirname "$0")/.." || exit 2
suites_dir=${SUITES_DIR:-tests/suites}
logs=${TEST_LOGS:-build/test-logs}
mkdir -p "$logs"
timeout_seconds=${SUITE_TIMEOUT:-1500}
total_pass=0
total_fail=0

known=$(for script in "$suites_dir"/*.sh; do [ -e "$script" ] && basename "$script" .sh; done)
if [ -z "$known" ]; then
    echo "run.sh: no suites in $suites_dir"
    exit 2
fi
for name in ${SUITES:-}; do
    if ! echo "$known" | grep -qxF -- "$name"; then
        echo "run.sh: unknown suite '$name' in SUITES; the suites are:" $known
        exit 2
    fi
done

for script in "$suites_dir"/*.sh; do
    name=$(basename "$script" .sh)
    if [ -n "${SUITES:-}" ]; then
        case " $SUITES " in *" $name "*) ;; *) continue ;; esac
    fi
    log="$logs/$name.log"
    start=$(date +%s)
    timeout -k 10 "$timeout_seconds" sh "$script" >"$log" 2>&1 </dev/null
    status=$?
    seconds=$(( $(date +%s) - start ))
    pass=$(grep -c '^PASS ' "$log")
    fail=$(grep -c '^FAIL ' "$log")
    grep '^FAIL ' "$log" | sed "s/^/  $name: /"
    if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
        if [ "$status" -eq 124 ]; then
            echo "  $name: FAIL suite timed out after ${timeout_seconds}s (log: $log)"
        else
            echo "  $name: FAIL suite exited with status $status (log: $log)"
            tail -n 15 "$log" | sed 's/^/    | /'
        fi
        fail=$((fail + 1))
    elif [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
        echo "  $name: FAIL suite reported no test cases (log: $log)"
        fail=1
    fi
    echo "suite $name: $pass passed, $fail failed (${seconds}s)"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
done

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
