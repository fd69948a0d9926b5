#!/bin/sh
# The test machinery itself: each way a check could pass without having
# checked is tried here and must fail loudly.
#  - tests/run.sh: an unknown name in SUITES is an error; a suite that prints
#    nothing, or exits non-zero without a FAIL line, is a failure;
#  - tests/static-analysis.sh: clang or cppcheck missing from PATH, or clang
#    exiting with an error and printing nothing, is a FAIL, never a PASS;
#  - tests/lib.sh suite_require: a missing tool is a FAIL line naming it;
#  - the fuzz list: a tests/fuzz file without a make rule fails suite
#    80-fuzz-smoke (FUZZ_DIR points it at a private folder);
#  - the Makefile: a plain `make` with a Debian package missing installs it
#    (scripts/deps.sh, apt-get) before any rule runs, and stops with one line
#    when the install fails.
# Fake tools (apt-get, dpkg-query, clang) are scripts on a private PATH; no
# package is really installed and nothing outside build/ is written.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
suite_require make sh timeout grep
work=$(pwd)/build/test-work/runner
rm -rf "$work"
mkdir -p "$work"

check() { # check NAME CONDITION-STATUS DETAIL (folded onto one line, so
           # the inner runs' own PASS/FAIL lines are never counted as ours)
    if [ "$2" -eq 0 ]; then echo "PASS $1"; else echo "FAIL $1: $(echo "$3" | tr '\n' '|')"; fi
}

# The project carries what its tests read: no test, build file or script
# names a path outside the repository (../shared was such a path), and each
# vector source has a README naming its origin.
outside=$(grep -rlE '\.\./shared|\$\(cd \.\. && pwd\)' tests scripts tools boot kernel lib sdk Makefile .ci \
    --include='*.sh' --include='*.mk' --include='*.c' --include='*.py' --include=Makefile --include=run 2>/dev/null |
    grep -v '^tests/suites/05-runner.sh$' | tr '\n' ' ')
[ -z "$outside" ]
check tests_read_nothing_outside_the_repository $? "these name a path outside the repository: $outside"
ok=0
for source in tests/vectors/*/; do
    [ -f "$source/README.md" ] || { ok=1; echo "no README.md in $source"; }
done
[ -d tests/vectors/wycheproof ] && [ -f tests/vectors/wycheproof/LICENSE ] || ok=1
check test_vectors_carry_origin_and_license $ok "a tests/vectors source lacks its README.md or licence"

# A private suites folder: one passing, one silent, one crashing suite.
suites=$work/suites
mkdir -p "$suites"
printf 'echo "PASS good case"\n' >"$suites/a-good.sh"
printf 'echo "nothing checked here"\nexit 0\n' >"$suites/b-silent.sh"
printf 'echo "about to crash"\nexit 3\n' >"$suites/c-crash.sh"
runner() { SUITES_DIR=$suites TEST_LOGS=$work/logs sh tests/run.sh; }

out=$(SUITES="a-good no-such-suite" runner 2>&1); status=$?
[ "$status" -eq 2 ] && echo "$out" | grep -q "unknown suite 'no-such-suite'" &&
    ! echo "$out" | grep -q "passed,"
check runner_unknown_suite_is_error $? "status $status, output: $out"

out=$(SUITES="a-good" runner 2>&1); status=$?
[ "$status" -eq 0 ] && [ "$(echo "$out" | tail -n 1)" = "1 passed, 0 failed" ]
check runner_counts_a_passing_suite $? "status $status, last line: $(echo "$out" | tail -n 1)"

out=$(SUITES="b-silent" runner 2>&1); status=$?
[ "$status" -ne 0 ] && [ "$(echo "$out" | tail -n 1)" = "0 passed, 1 failed" ] &&
    echo "$out" | grep -q "reported no test cases"
check runner_silent_suite_fails $? "status $status, output: $out"

out=$(SUITES="c-crash" runner 2>&1); status=$?
[ "$status" -ne 0 ] && [ "$(echo "$out" | tail -n 1)" = "0 passed, 1 failed" ] &&
    echo "$out" | grep -q "exited with status 3"
check runner_crashing_suite_fails $? "status $status, output: $out"

# A PATH that has every command of this machine but the hidden ones.
path_without() { # path_without DIR TOOL...: fills DIR, prints it
    _dir=$1
    shift
    mkdir -p "$_dir"
    for _file in /usr/bin/* /usr/sbin/*; do
        _base=${_file##*/}
        for _hidden in "$@"; do [ "$_base" = "$_hidden" ] && continue 2; done
        [ -e "$_dir/$_base" ] || ln -s "$_file" "$_dir/$_base"
    done
    echo "$_dir"
}

analysis() { STATIC_ANALYSIS_OUT=$work/analysis sh tests/static-analysis.sh sdk 2>&1; }

bin=$(path_without "$work/no-clang" clang)
out=$(PATH=$bin analysis); status=$?
[ "$status" -ne 0 ] && echo "$out" | grep -q '^FAIL tool clang: not found' &&
    ! echo "$out" | grep -q '^PASS'
check static_analysis_without_clang_fails $? "status $status, output: $out"

bin=$(path_without "$work/no-cppcheck" cppcheck)
out=$(PATH=$bin analysis); status=$?
[ "$status" -ne 0 ] && echo "$out" | grep -q '^FAIL tool cppcheck: not found' &&
    ! echo "$out" | grep -q '^PASS'
check static_analysis_without_cppcheck_fails $? "status $status, output: $out"

fake=$work/fake-clang
mkdir -p "$fake"
printf '#!/bin/sh\nexit 1\n' >"$fake/clang"
chmod +x "$fake/clang"
out=$(PATH=$fake:$PATH analysis); status=$?
[ "$status" -ne 0 ] && echo "$out" | grep -q '^FAIL clang-analyzer sdk: clang exited with an error' &&
    ! echo "$out" | grep -q '^PASS clang-analyzer'
check static_analysis_failing_clang_fails $? "status $status, output: $out"

out=$(sh -c '. tests/lib.sh; suite_require sh no-such-tool-nonos; echo "PASS reached"' 2>&1); status=$?
[ "$status" -ne 0 ] && echo "$out" | grep -q '^FAIL tool no-such-tool-nonos: not found' &&
    ! echo "$out" | grep -q '^PASS'
check suite_require_missing_tool_fails $? "status $status, output: $out"

fuzz=$work/fuzz
mkdir -p "$fuzz"
printf 'int LLVMFuzzerTestOneInput(void);\n' >"$fuzz/fuzz_unwired_probe.c"
out=$(FUZZ_DIR=$fuzz sh tests/suites/80-fuzz-smoke.sh 2>&1); status=$?
echo "$out" | grep -q '^FAIL fuzz-unwired-probe: no make rule' && ! echo "$out" | grep -q '^PASS'
check fuzz_file_without_rule_fails $? "status $status, output: $out"
rm -f "$fuzz/fuzz_unwired_probe.c"
out=$(FUZZ_DIR=$fuzz sh tests/suites/80-fuzz-smoke.sh 2>&1); status=$?
[ "$status" -ne 0 ] && echo "$out" | grep -q '^FAIL fuzz targets: no .*fuzz_\*.c found'
check fuzz_no_targets_fails $? "status $status, output: $out"

# Plain `make` with a package missing: deps.sh must ask apt-get for it before
# any rule runs (make -n prints the rules without running them).
fake=$work/fake-apt
mkdir -p "$fake"
cat >"$fake/dpkg-query" <<'FAKE'
#!/bin/sh
for last; do :; done
[ "$last" = gdisk ] && exit 1
printf 'install ok installed'
FAKE
cat >"$fake/apt-get" <<FAKE
#!/bin/sh
echo "apt-get \$*" >>"$fake/apt.log"
[ ! -e "$fake/apt-fails" ]
FAKE
chmod +x "$fake/dpkg-query" "$fake/apt-get"
plain_make() { env -u NONOS_DEPS_DONE PATH="$fake:$PATH" make -n all BUILD="$work/build" 2>&1; }

out=$(plain_make); status=$?
[ "$status" -eq 0 ] && grep -q '^apt-get install.* gdisk' "$fake/apt.log"
check plain_make_installs_missing_packages $? "status $status, apt-get calls: $(cat "$fake/apt.log" 2>/dev/null)"

: >"$fake/apt-fails"
out=$(plain_make); status=$?
[ "$status" -ne 0 ] && echo "$out" | grep -q 'missing Debian packages could not be installed' &&
    ! echo "$out" | grep -q 'clang .* -c '
check plain_make_stops_when_install_fails $? "status $status, output: $(echo "$out" | tail -n 3)"
rm -rf "$work"
