#!/bin/sh
# Capsules (lib/capsule, nonos-capsule, sdk/): unit tests and the
# malformed-input corpora (lib/capsule's; the tool's key files) under
# ASan + UBSan, a freestanding build of lib/capsule with the kernel's
# flags, the author's workflow end to end with the real tool (new, build,
# sign, verify, inspect, keygen, refusals, every bad key file of the
# corpus), and a 5-second fuzz smoke run of each capsule fuzz target.
set -u
. tests/lib.sh
suite_require clang jq llvm-nm od b2sum
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
$bin/keyfile_corpus --check tests/corpus/capsule-keys || status=1

# lib/capsule in the kernel: only lib/crypto, lib/base (mem.c, hex.c) and itself.
allowed="memcpy memset memmove memcmp hex_decode hex_digit_value crypto_equal blake2b blake2b_init blake2b_update blake2b_final ed25519_sign ed25519_key_from_seed ed25519_verify crypto_wipe mldsa65_sign mldsa65_verify mldsa65_prepare_key mldsa65_verify_prepared"
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

# Every bad key file of tests/corpus/capsule-keys through the real tool:
# sign --key (secret/) and bundle --trust (trust/) refuse it with status 2,
# naming the corpus's exact code (and line), and write nothing.
keys=tests/corpus/capsule-keys
bad_keys=0 refused_keys=0 wrong_keys=""
while read -r name result line rest; do
    case "$name" in secret/* | trust/*) ;; *) continue ;; esac
    [ "$result" = KEYFILE_OK ] && continue
    bad_keys=$((bad_keys + 1))
    rm -f "$work/keyfile" "$work/k.mod" "$work/k.bin"
    cp "$keys/$name" "$work/keyfile" && chmod 600 "$work/keyfile"
    if [ "${name%%/*}" = secret ]; then
        (cd "$work/hello" && "$tool" sign --key "$work/keyfile" --out "$work/k.mod") >"$work/out" 2>&1
        r=$? pattern="keyfile is not a key file: .*($result)"
    else
        "$tool" bundle --trust "$work/keyfile" -o "$work/k.bin" "$mod" >"$work/out" 2>&1
        r=$? pattern="keyfile:$line: bad key line: .*($result)"
    fi
    if [ $r -eq 2 ] && grep -q "$pattern" "$work/out" && [ ! -e "$work/k.mod" ] && [ ! -e "$work/k.bin" ]; then
        refused_keys=$((refused_keys + 1))
    else
        wrong_keys="$wrong_keys $name($r)"
    fi
done <"$keys/expected"
"$tool" verify "$mod" --trust "$keys/trust/hex-uppercase" >"$work/out" 2>&1
r=$?
if [ $bad_keys -gt 0 ] && [ $refused_keys -eq $bad_keys ] && [ $r -eq 2 ] &&
   grep -q 'hex-uppercase:1: bad key line: .*(KEYFILE_ERR_HEX)' "$work/out"; then
    pass "capsule tool: sign --key, bundle --trust and verify --trust refuse all $bad_keys bad key files of the corpus with their exact code"
else
    fail "capsule tool: bad key files: $refused_keys of $bad_keys refused as expected (wrong:${wrong_keys:- none}; verify $r)"
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

# Format 4 hashes with BLAKE2b-256: each section hash inspect shows is
# coreutils' b2sum -l 256 of the section's bytes, and ids and fingerprints
# are written blake2b:<64 hex> (human and --json).
b2_matched=0
for i in 0 1 2; do
    off=$(jq -r ".sections[$i].offset" "$work/json")
    len=$(jq -r ".sections[$i].length" "$work/json")
    want=$(tail -c +$((off + 1)) "$mod" | head -c "$len" | b2sum -l 256 | cut -c1-64)
    [ ${#want} -eq 64 ] && [ "$(jq -r ".sections[$i].hash" "$work/json")" = "blake2b:$want" ] &&
        "$tool" inspect "$mod" | grep -q "^section .* bytes, blake2b:$want$" &&
        b2_matched=$((b2_matched + 1))
done
if [ $b2_matched -eq 3 ] &&
   jq -r '.id, .author_fingerprint' "$work/json" | grep -cx 'blake2b:[0-9a-f]\{64\}' | grep -qx 2 &&
   "$tool" inspect "$mod" | grep -q '^id           blake2b:[0-9a-f]\{64\}$'; then
    pass "capsule tool: section hashes are b2sum -l 256 of the sections; ids and fingerprints blake2b:<64 hex>"
else
    fail "capsule tool: BLAKE2b-256 hashes ($b2_matched of 3 sections): $(head -c 600 "$work/json")"
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

# Hybrid keys (the default) and the downgrade they prevent.
if [ "$(wc -l <"$NONOS_KEY_DIR/author.key")" -eq 2 ] &&
   grep -q '^ml-dsa-65-secret:[0-9a-f]\{64\}$' "$NONOS_KEY_DIR/author.key" &&
   grep -q '^ed25519:[0-9a-f]\{64\} ml-dsa-65:[0-9a-f]\{3904\}$' "$NONOS_KEY_DIR/author.pub" &&
   "$tool" keygen --dir "$work/edonly" --ed25519-only >"$work/out" 2>&1 &&
   grep -q '^keys: ed25519 only' "$work/out" &&
   grep -q '^ed25519:[0-9a-f]\{64\}$' "$work/edonly/author.pub" &&
   [ "$(wc -l <"$work/edonly/author.key")" -eq 1 ]; then
    pass "capsule tool: keygen makes hybrid keys by default, --ed25519-only makes Ed25519 keys"
else
    fail "capsule tool: keygen hybrid/--ed25519-only: $(cat "$work/out")"
fi
if [ "$(jq -r '.hybrid, (.signatures | length), .signatures[0].algorithm, .signatures[1].algorithm, .signatures[1].algorithm_id, (.signatures[1].public_key | length), .signatures[1].signature_bytes' "$work/json" | tr '\n' ' ')" = "true 2 ed25519 ml-dsa-65 2 3904 3309 " ] &&
   "$tool" inspect "$mod" | grep -q '^proof        ed25519 + ml-dsa-65$' &&
   "$tool" verify "$mod" | grep -q '(ed25519 + ml-dsa-65)'; then
    pass "capsule tool: inspect (human, --json) and verify show both signatures"
else
    fail "capsule tool: inspect/verify of a hybrid capsule: $(head -c 400 "$work/json")"
fi
# The author's Ed25519 key alone (what stripping the ML-DSA-65 half leaves)
# signs a valid Ed25519-only capsule; a store that registered the hybrid key
# refuses it, a store that registered the Ed25519 key alone accepts it.
mkdir -p "$work/stripped" && head -n 1 "$NONOS_KEY_DIR/author.key" >"$work/stripped/author.key" &&
    chmod 600 "$work/stripped/author.key"
head -n 1 "$NONOS_KEY_DIR/author.pub" | cut -d' ' -f1 >"$work/stripped/author.pub"
printf 'name = "hello"\nversion = "0.1.0"\n' >"$work/hello/capsule.toml"
(cd "$work/hello" && "$tool" build && "$tool" sign --key ../stripped/author.key --out ../ed.mod) >"$work/out" 2>&1
"$tool" verify "$work/ed.mod" --trust "$NONOS_KEY_DIR/author.pub" >"$work/out2" 2>&1
r1=$?
"$tool" verify "$work/ed.mod" --trust "$work/stripped/author.pub" >"$work/out3" 2>&1
r2=$?
if grep -q 'ed25519 only' "$work/out" && [ $r1 -eq 1 ] &&
   grep -q 'REFUSED.*(downgrade) (ERR_TRUST_DOWNGRADE)' "$work/out2" && [ $r2 -eq 0 ] &&
   grep -q '(ed25519 only) (trusted)' "$work/out3"; then
    pass "capsule tool: hybrid author's capsule signed by its Ed25519 key alone refused (ERR_TRUST_DOWNGRADE); Ed25519-only author keeps working"
else
    fail "capsule tool: downgrade ($r1, $r2): $(cat "$work/out" "$work/out2" "$work/out3" | tr '\n' ' ')"
fi

# One Ed25519 key in two key sets is refused by verify --trust and bundle.
cat "$NONOS_KEY_DIR/author.pub" "$work/stripped/author.pub" >"$work/conflict.pub"
"$tool" verify "$mod" --trust "$work/conflict.pub" >"$work/out" 2>&1
r1=$?
"$tool" bundle --trust "$work/conflict.pub" -o "$work/conflict.bin" "$mod" >"$work/out2" 2>&1
r2=$?
if [ $r1 -eq 2 ] && grep -q 'author 2: trust: this Ed25519 key is already registered' "$work/out" &&
   [ $r2 -ne 0 ] && [ ! -e "$work/conflict.bin" ] && grep -q '(ERR_BUNDLE_KEY)' "$work/out2"; then
    pass "capsule tool: a trust file with one Ed25519 key in two key sets is refused (verify, bundle)"
else
    fail "capsule tool: conflicting trust file ($r1, $r2): $(cat "$work/out" "$work/out2" | tr '\n' ' ')"
fi

# Format versions 1 to 3 are refused with a message that says what to do.
old_refused=0
for v in 1 2 3; do
    cp "$mod" "$work/v$v.mod"
    printf "\\00$v" | dd of="$work/v$v.mod" bs=1 seek=8 conv=notrunc 2>/dev/null
    "$tool" verify "$work/v$v.mod" >"$work/out" 2>&1
    [ $? -eq 1 ] && grep -q 'format version 1, 2 or 3 is no longer accepted (its hashes are SHA-256.*rebuild and sign it again.*(ERR_MOD_VERSION_OLD)' "$work/out" &&
        old_refused=$((old_refused + 1))
done
if [ $old_refused -eq 3 ]; then
    pass "capsule tool: a format version 1, 2 or 3 .mod is refused as such"
else
    fail "capsule tool: version 1/2/3 .mod ($old_refused of 3 refused): $(cat "$work/out")"
fi

# The format 3 manifest fields: the template shows them commented with their
# defaults, inspect shows the defaults, and set values go through TOML ->
# canonical bytes -> signed capsule -> verifier -> inspect (human, --json).
tpl="$work/tpl"
mkdir -p "$tpl" && (cd "$tpl" && "$tool" new tpl) >/dev/null 2>&1
if grep -q '^# capabilities = 64 ' "$tpl/tpl/capsule.toml" &&
   grep -q '^# provides = \[\] ' "$tpl/tpl/capsule.toml" &&
   grep -q '^# supervisor = "none" ' "$tpl/tpl/capsule.toml" &&
   grep -q '^\[lifecycle\]$' "$tpl/tpl/capsule.toml" &&
   grep -q '^# restart = "never" ' "$tpl/tpl/capsule.toml" &&
   [ "$(jq -r '[.manifest.policy.limits.capabilities, (.manifest.policy.capabilities.provides | length), .manifest.policy.capabilities.supervisor, .manifest.lifecycle.restart] | join(" ")' "$work/json")" = "64 0 none never" ] &&
   "$tool" inspect "$mod" | grep -q '^limits       cpu 100000 us, memory 1048576 bytes, threads 1, capabilities 64$' &&
   "$tool" inspect "$mod" | grep -q '^supervisor   none$' &&
   "$tool" inspect "$mod" | grep -q '^restart      never$'; then
    pass "capsule tool: new's template lists capabilities, provides, supervisor, restart commented with their defaults; inspect shows the defaults"
else
    fail "capsule tool: template or defaults: $(cat "$tpl/tpl/capsule.toml" | tr '\n' ' ')"
fi
printf 'name = "hello"\nversion = "0.3.0"\n[policy.limits]\ncapabilities = 256\n[policy.capabilities]\nprovides = ["nonos.names", "nonos.log"]\nsupervisor = "control"\n[lifecycle]\nrestart = "on-failure"\n' \
    >"$work/hello/capsule.toml"
(cd "$work/hello" && "$tool" build && "$tool" sign --out ../v3.mod && "$tool" verify ../v3.mod) >"$work/out" 2>&1
r1=$?
"$tool" inspect "$work/v3.mod" --json >"$work/json3" 2>&1
"$tool" inspect "$work/v3.mod" >"$work/human4" 2>&1
if [ $r1 -eq 0 ] &&
   [ "$(jq -r '[.verified, .manifest.policy.limits.capabilities, (.manifest.policy.capabilities.provides | join(",")), .manifest.policy.capabilities.supervisor, .manifest.lifecycle.restart] | join(" ")' "$work/json3")" = "true 256 nonos.log,nonos.names control on-failure" ] &&
   grep -q '^limits       .*, capabilities 256$' "$work/human4" &&
   grep -q '^provides     nonos.log, nonos.names$' "$work/human4" &&
   grep -q '^supervisor   control$' "$work/human4" && grep -q '^restart      on-failure$' "$work/human4"; then
    pass "capsule tool: capabilities, provides (sorted), supervisor, restart: capsule.toml -> signed capsule -> verify -> inspect (human, --json)"
else
    fail "capsule tool: format 3 fields end to end ($r1): $(cat "$work/out" "$work/human4" | tr '\n' ' ')"
fi
bad_refused=0
for line in 'supervisor = "root"|4: policy.capabilities.supervisor: unknown supervisor right ("none", "read" or "control") (ERR_MANIFEST_SUPERVISOR)' \
            'provides = ["nonos.names", "nonos.names"]|4: policy.capabilities.provides\[1\]: .*(ERR_MANIFEST_DUPLICATE)'; do
    printf 'name = "hello"\nversion = "0.3.0"\n[policy.capabilities]\n%s\n' "${line%%|*}" >"$work/hello/capsule.toml"
    ! (cd "$work/hello" && "$tool" build) >"$work/out" 2>&1 &&
        grep -q "capsule.toml:${line#*|}" "$work/out" && bad_refused=$((bad_refused + 1))
done
printf 'name = "hello"\nversion = "0.3.0"\n[policy.limits]\ncapabilities = 7\n[lifecycle]\nrestart = "on_failure"\n' >"$work/hello/capsule.toml"
! (cd "$work/hello" && "$tool" build) >"$work/out" 2>&1 &&
    grep -q 'capsule.toml:4: policy.limits.capabilities: .*(ERR_MANIFEST_RANGE)' "$work/out" && bad_refused=$((bad_refused + 1))
printf 'name = "hello"\nversion = "0.3.0"\n[lifecycle]\nrestart = "on_failure"\n' >"$work/hello/capsule.toml"
! (cd "$work/hello" && "$tool" build) >"$work/out" 2>&1 &&
    grep -q 'capsule.toml:4: lifecycle.restart: unknown restart rule ("never", "on-failure" or "always") (ERR_MANIFEST_RESTART)' "$work/out" &&
    bad_refused=$((bad_refused + 1))
if [ $bad_refused -eq 4 ]; then
    pass "capsule tool: build refuses a bad supervisor, provides, capabilities and restart with line and key"
else
    fail "capsule tool: bad format 3 fields ($bad_refused of 4 refused): $(cat "$work/out")"
fi

# Dependencies bind to an author (or a hash): a name alone is refused.
fp=$("$tool" inspect "$mod" --json | jq -r .author_fingerprint)
printf 'name = "hello"\nversion = "0.1.0"\n[dependencies]\ncrypto = "^0.1"\n' >"$work/hello/capsule.toml"
(cd "$work/hello" && "$tool" build) >"$work/out" 2>&1
r1=$?
printf 'name = "hello"\nversion = "0.1.0"\n[dependencies]\ncrypto = { version = "^0.1", author = "%s" }\n' \
    "$fp" >"$work/hello/capsule.toml"
(cd "$work/hello" && "$tool" build && "$tool" sign --out ../dep.mod) >"$work/out2" 2>&1
r2=$?
if [ $r1 -ne 0 ] && grep -q 'capsule.toml:4: dependencies.crypto: .*(ERR_MANIFEST_DEPENDENCY_UNBOUND)' "$work/out" &&
   [ $r2 -eq 0 ] && [ "$("$tool" inspect "$work/dep.mod" --json | jq -r '.manifest.dependencies[0].author')" = "$fp" ] &&
   "$tool" inspect "$work/dep.mod" | grep -q "^depends on   crypto >=0.1.0, <0.2.0 author $fp$"; then
    pass "capsule tool: a dependency without author or hash is refused; author = \"blake2b:...\" binds it"
else
    fail "capsule tool: dependency binding ($r1, $r2): $(cat "$work/out" "$work/out2" | tr '\n' ' ')"
fi
# A format 3 author fingerprint (sha256:) gets its own message.
printf 'name = "hello"\nversion = "0.1.0"\n[dependencies]\ncrypto = { version = "^0.1", author = "sha256:%s" }\n' \
    "${fp#blake2b:}" >"$work/hello/capsule.toml"
if ! (cd "$work/hello" && "$tool" build) >"$work/out" 2>&1 &&
   grep -q 'capsule.toml:4: dependencies.crypto.author: capsule ids and author fingerprints are "blake2b:" and 64 lowercase hex digits since format 4; .*(ERR_MANIFEST_HASH_OLD)' "$work/out"; then
    pass "capsule tool: a sha256: author fingerprint is refused, saying ids are blake2b: since format 4"
else
    fail "capsule tool: sha256: fingerprint: $(cat "$work/out")"
fi

# inspect escapes: every control character in --json (file paths too), and
# all non-ASCII text of a file that did not verify.
bad=$(printf 'bad\033[31m\tname.mod')
cp "$mod" "$work/$bad"
"$tool" inspect "$work/$bad" --json >"$work/json2" 2>&1
"$tool" inspect "$work/$bad" >"$work/human2" 2>&1
printf 'name = "hello"\nversion = "0.1.0"\ndescription = "caf\303\251 ok"\n' >"$work/hello/capsule.toml"
(cd "$work/hello" && "$tool" build && "$tool" sign --out ../cafe.mod) >/dev/null 2>&1
off=$(od -An -tu8 -j 80 -N8 "$work/cafe.mod" | tr -d ' ')
len=$(od -An -tu8 -j 88 -N8 "$work/cafe.mod" | tr -d ' ')
printf 'X' | dd of="$work/cafe.mod" bs=1 seek=$((off + 200)) conv=notrunc 2>/dev/null
i=0
for b in $(dd if="$work/cafe.mod" bs=1 skip="$off" count="$len" 2>/dev/null | b2sum -l 256 | cut -c1-64 | sed 's/../& /g'); do
    printf "$(printf '\\%03o' $((0x$b)))" | dd of="$work/cafe.mod" bs=1 seek=$((96 + i)) conv=notrunc 2>/dev/null
    i=$((i + 1))
done
"$tool" inspect "$work/cafe.mod" >"$work/human3" 2>&1
if grep -q 'bad\\u001b\[31m\\u0009name.mod' "$work/json2" &&
   [ "$(jq -r .file "$work/json2")" = "$work/$bad" ] &&
   ! grep -q "$(printf '\033')" "$work/human2" "$work/json2" &&
   grep -q 'bad\\x1b\[31m\\x09name.mod' "$work/human2" &&
   grep -q '^status       REFUSED: .*(ERR_PROOF_SIGNATURE)' "$work/human3" &&
   grep -q '^description  caf\\xc3\\xa9 ok$' "$work/human3"; then
    pass "capsule tool: inspect escapes control characters (JSON and human, file paths too) and the text of a file that did not verify"
else
    fail "capsule tool: inspect escaping: $(cat "$work/human2" "$work/human3" | head -n 12 | tr '\n' ' ')"
fi

# Fuzz smoke runs.
for target in toml canonical container capsule-keyfile; do
    flog=build/test-logs/fuzz-capsule-$target.log
    if FUZZ_SECONDS=5 make -s "fuzz-$target" >"$flog" 2>&1; then
        runs=$(grep -o 'Done [0-9]* runs' "$flog" | tr -dc 0-9)
        pass "fuzz-$target smoke run (5 s, $runs inputs, no crash)"
    else
        fail "fuzz-$target smoke run: crashed (see $flog)"
    fi
done
exit $status
