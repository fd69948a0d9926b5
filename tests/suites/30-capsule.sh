#!/bin/sh
# Capsules (lib/capsule, nonos-capsule, sdk/): unit tests and the
# malformed-input corpus under ASan + UBSan, a freestanding build of
# lib/capsule with the kernel's flags, the author's workflow end to end with
# the real tool (new, build, sign, verify, inspect, keygen, refusals), and a
# 5-second fuzz smoke run of each capsule fuzz target.
set -u
. tests/lib.sh
suite_require clang jq llvm-nm od
status=0
bin=build/host-san/tests/capsule
tool=$PWD/build/host/nonos-capsule
fail() { echo "FAIL $1"; status=1; }
pass() { echo "PASS $1"; }

if ! make -s -j2 capsule-tests nonos-capsule sdk-check; then
    echo "FAIL capsule: build failed"
    exit 1
fi
$bin/test_capsule || status=1
$bin/corpus || status=1

# lib/capsule in the kernel: only lib/crypto, lib/base (mem.c, hex.c) and itself.
allowed="memcpy memset memmove memcmp hex_decode hex_digit_value crypto_equal sha256 sha256_init sha256_update sha256_final ed25519_sign ed25519_key_from_seed ed25519_verify crypto_wipe"
defined=$(llvm-nm --defined-only build/kernel/lib/capsule/*.o | awk 'NF==3 && $2 ~ /[TDRB]/ {print $3}')
missing=""
for sym in $(llvm-nm --undefined-only build/kernel/lib/capsule/*.o | awk 'NF==2 {print $2}' | sort -u); do
    case " $allowed $(echo $defined) " in *" $sym "*) ;; *) missing="$missing $sym" ;; esac
done
if [ -z "$missing" ]; then
    pass "capsule lib builds with KERNEL_CFLAGS and needs nothing outside lib/"
else
    fail "capsule kernel build needs:$missing"
fi

# The author's workflow, in a scratch directory with its own key directory.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NONOS_KEY_DIR="$work/keys"
log="$work/log"
(
    cd "$work" && "$tool" new hello && cd hello && "$tool" build && "$tool" sign &&
        "$tool" verify
) >"$log" 2>&1
if [ $? -eq 0 ] && grep -q '^VERIFIED ./hello-0.1.0.mod: hello 0.1.0' "$log"; then
    pass "capsule tool: new hello && build && sign && verify"
else
    fail "capsule tool: new/build/sign/verify: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
mod="$work/hello/hello-0.1.0.mod"

mode=$(stat -c %a "$NONOS_KEY_DIR/author.key" 2>/dev/null)
seed=$(sed 's/^ed25519-secret://' "$NONOS_KEY_DIR/author.key" 2>/dev/null)
if [ "$mode" = 600 ] && [ -n "$seed" ] && ! grep -rqs "$seed" "$log"; then
    pass "capsule tool: secret key file mode 0600, secret never printed"
else
    fail "capsule tool: secret key mode $mode or secret printed"
fi
if "$tool" keygen >"$work/out" 2>&1; then
    fail "capsule tool: keygen overwrote an existing key"
elif [ "$(stat -c %a "$NONOS_KEY_DIR/author.key")" = 600 ] &&
     [ "$(sed 's/^ed25519-secret://' "$NONOS_KEY_DIR/author.key")" = "$seed" ]; then
    pass "capsule tool: keygen refuses to overwrite a key"
else
    fail "capsule tool: keygen changed the existing key"
fi

"$tool" verify "$mod" --trust "$NONOS_KEY_DIR/author.pub" >"$work/out" 2>&1
r1=$?
"$tool" keygen --dir "$work/other" >/dev/null 2>&1
"$tool" verify "$mod" --trust "$work/other/author.pub" >"$work/out2" 2>&1
r2=$?
if [ $r1 -eq 0 ] && grep -q '(trusted)' "$work/out" && [ $r2 -eq 1 ] &&
   grep -q 'REFUSED.*ERR_TRUST_UNKNOWN_AUTHOR' "$work/out2" && [ "$(wc -l <"$work/out2")" -eq 1 ]; then
    pass "capsule tool: verify --trust accepts the author's key, refuses another in one line"
else
    fail "capsule tool: verify --trust ($r1, $r2): $(cat "$work/out" "$work/out2" | tr '\n' ' ')"
fi

# Flip one byte in each section: each must be refused with exit status 1.
size=$(stat -c %s "$mod")
refused=0
for offset in 100 190 300 $((size - 10)); do
    cp "$mod" "$work/tampered.mod"
    byte=$(od -An -tu1 -j "$offset" -N1 "$mod" | tr -d ' ')
    printf "$(printf '\\%03o' $((byte ^ 1)))" |
        dd of="$work/tampered.mod" bs=1 seek="$offset" conv=notrunc 2>/dev/null
    "$tool" verify "$work/tampered.mod" >"$work/out" 2>&1
    [ $? -eq 1 ] && grep -q '^REFUSED' "$work/out" && refused=$((refused + 1))
done
if [ $refused -eq 4 ]; then
    pass "capsule tool: verify refuses a flipped byte in the table, manifest, payload and proof"
else
    fail "capsule tool: only $refused of 4 tampered files refused"
fi

if "$tool" inspect "$mod" --json >"$work/json" 2>&1 &&
   [ "$(jq -r '.verified, .manifest.name, .manifest.version, .manifest.policy.limits.cpu_us, .sections[1].type' "$work/json" | tr '\n' ' ')" = "true hello 0.1.0 100000 payload " ] &&
   "$tool" inspect "$mod" | grep -q '^status       verified'; then
    pass "capsule tool: inspect (human and --json)"
else
    fail "capsule tool: inspect: $(head -c 300 "$work/json")"
fi

printf 'name = "hello"\nversion = "0.2.0"\nthreads = 2\n' >"$work/hello/capsule.toml"
if ! (cd "$work/hello" && "$tool" build) >"$work/out" 2>&1 &&
   grep -q 'capsule.toml:3: threads: unknown key (ERR_MANIFEST_UNKNOWN_KEY)' "$work/out"; then
    pass "capsule tool: build refuses a bad capsule.toml naming line and key"
else
    fail "capsule tool: bad capsule.toml: $(cat "$work/out")"
fi
printf 'name = "hello"\nversion = "0.2.0"\n' >"$work/hello/capsule.toml"
if ! (cd "$work/hello" && "$tool" sign) >"$work/out" 2>&1 && grep -q 'changed since the last build' "$work/out"; then
    pass "capsule tool: sign refuses a build older than capsule.toml"
else
    fail "capsule tool: sign of a stale build: $(cat "$work/out")"
fi

helps=0
for command in keygen new build sign verify inspect bundle; do
    "$tool" "$command" --help | grep -q "^usage: nonos-capsule $command" && helps=$((helps + 1))
done
if [ $helps -eq 7 ] && "$tool" --help | grep -q bundle; then
    pass "capsule tool: --help for the tool and each of its 7 commands"
else
    fail "capsule tool: --help ($helps of 7)"
fi

# Fuzz smoke runs.
for target in toml canonical container; do
    flog=build/test-logs/fuzz-capsule-$target.log
    if FUZZ_SECONDS=5 make -s "fuzz-$target" >"$flog" 2>&1; then
        runs=$(grep -o 'Done [0-9]* runs' "$flog" | tr -dc 0-9)
        pass "fuzz-$target smoke run (5 s, $runs inputs, no crash)"
    else
        fail "fuzz-$target smoke run: crashed (see $flog)"
    fi
done
exit $status
