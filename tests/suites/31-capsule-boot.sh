#!/bin/sh
# The kernel's capsule verifier on a real boot: builds a bundle of good and
# bad capsules with nonos-capsule, boots the real kernel with it in QEMU
# (OVMF, TCG) and checks the refusal line of each bad capsule at boot and the
# `capsules` table at the console. Bounded by 150 s of QEMU time.
set -u
. tests/qemu/lib.sh
. tests/lib.sh
suite_require clang ld.lld lld-link sgdisk mkfs.fat mcopy
suite_require_qemu

dir=build/tests/capsule-boot
image=$dir/capsule-test.img
log=$dir/serial.log
check() { # check STATUS NAME [REASON]
    if [ "$1" -eq 0 ]; then echo "PASS capsule-boot: $2"; else echo "FAIL capsule-boot: $2: ${3:-}"; fi
}

if ! make -s -j2 nonos-capsule build/kernel/nonos-kernel.elf; then
    echo "FAIL capsule-boot: build failed"
    exit 1
fi
tool=$PWD/build/host/nonos-capsule
rm -rf "$dir/work" && mkdir -p "$dir/work"
(
    set -e
    cd "$dir/work"
    export NONOS_KEY_DIR="$PWD/keys"
    "$tool" keygen --dir keys | sed -n 's/^author //p' >author.fp
    fp=$(cat author.fp)
    "$tool" keygen --dir stranger >/dev/null
    "$tool" keygen --dir other >/dev/null
    "$tool" keygen --dir legacykey --ed25519-only >/dev/null
    mkdir edhalf && head -n 1 keys/author.key >edhalf/author.key && chmod 600 edhalf/author.key
    cat keys/author.pub other/author.pub legacykey/author.pub >trusted.pub
    project() { # project NAME VERSION [EXTRA TOML]
        "$tool" new "$1" >/dev/null
        printf 'name = "%s"\nversion = "%s"\n%s' "$1" "$2" "${3:-}" >"$1/capsule.toml"
        (cd "$1" && "$tool" build >/dev/null)
    }
    project hello 1.0.0
    (cd hello && "$tool" sign >/dev/null)
    project intruder 1.0.0
    (cd intruder && "$tool" sign --key ../stranger/author.key >/dev/null)
    cp hello/hello-1.0.0.mod tampered.mod
    printf 'X' | dd of=tampered.mod bs=1 seek=300 conv=notrunc 2>/dev/null
    project needy 1.0.0 "[dependencies]
missing-lib = { version = \"^1\", author = \"$fp\" }
"
    (cd needy && "$tool" sign >/dev/null)
    mv hello hello-new
    project hello 0.9.0
    (cd hello && "$tool" sign >/dev/null)
    project stripped 1.0.0
    (cd stripped && "$tool" sign --key ../edhalf/author.key >/dev/null)
    project crypto 0.1.0
    (cd crypto && "$tool" sign --key ../other/author.key >/dev/null)
    project app 1.0.0 "[dependencies]
crypto = { version = \"^0.1\", author = \"$fp\" }
"
    (cd app && "$tool" sign >/dev/null)
    project legacy 1.0.0
    (cd legacy && "$tool" sign --key ../legacykey/author.key >/dev/null)
    cp hello-new/hello-1.0.0.mod format3.mod # what a format 3 tool's header says
    printf '\003' | dd of=format3.mod bs=1 seek=8 conv=notrunc 2>/dev/null
    "$tool" bundle --trust trusted.pub -o ../bundle.bin hello-new/hello-1.0.0.mod \
        intruder/intruder-1.0.0.mod tampered.mod needy/needy-1.0.0.mod hello/hello-0.9.0.mod \
        stripped/stripped-1.0.0.mod crypto/crypto-0.1.0.mod app/app-1.0.0.mod \
        legacy/legacy-1.0.0.mod format3.mod
) >"$dir/build.log" 2>&1
check $? "test bundle built with nonos-capsule (10 capsules, 2 hybrid and 1 Ed25519-only trusted authors)" "$(tail -n 3 "$dir/build.log")"
if ! make -s -j2 "$image" >>"$dir/build.log" 2>&1; then
    check 1 "test image built" "$(tail -n 3 "$dir/build.log")"
    exit 1
fi

fp=$(cat "$dir/work/author.fp")
export SERIAL_INPUT="$dir/serial.in"
qemu_start "$image" "$log" 150
trap 'qemu_stop' EXIT
if ! qemu_wait_for "$log" 'nonos> ' 120; then
    check 1 "prompt appears" "no prompt within 120 s (log: $log)"
    exit 1
fi
boot=$(tr -d '\r' <"$log")
refused() { printf '%s\n' "$boot" | grep -aqE "capsules: refused #$1 $2: .*\\($3\\)"; }
refused 1 'intruder 1.0.0' ERR_TRUST_UNKNOWN_AUTHOR
check $? "boot refuses a capsule by an unknown author" "$(printf '%s\n' "$boot" | grep -a capsules:)"
refused 2 '\? \?' ERR_MOD_HASH
check $? "boot refuses a tampered capsule (section hash)"
refused 3 'needy 1.0.0' ERR_DEP_MISSING
check $? "boot refuses a capsule whose dependency is missing"
refused 4 'hello 0.9.0' ERR_TRUST_ROLLBACK
check $? "boot refuses a lower version of an accepted name (rollback)"
refused 5 'stripped 1.0.0' ERR_TRUST_DOWNGRADE
check $? "boot refuses a hybrid author's capsule signed by its Ed25519 key alone (downgrade)"
refused 7 'app 1.0.0' ERR_DEP_AUTHOR
check $? "boot refuses a dependency met only by another author's capsule of that name"
refused 9 '\? \?' ERR_MOD_VERSION_OLD &&
    printf '%s\n' "$boot" | grep -aq 'capsules: refused #9 ? ?: capsule: format version 1, 2 or 3 is no longer accepted (its hashes are SHA-256, .*rebuild and sign it again'
check $? "boot refuses a format version 3 capsule (SHA-256), saying to rebuild and sign it again"
printf '%s\n' "$boot" | grep -aq 'capsules: 3 of 10 verified (3 trusted authors)'
check $? "boot verifies exactly the good capsules (3 of 10: hybrid hello, other's crypto, Ed25519-only legacy)"

qemu_command "$log" capsules 20
answer=$QEMU_ANSWER
fp16=$(echo "$fp" | sed -n 's/^blake2b:\([0-9a-f]\{16\}\).*/\1/p')
[ ${#fp16} -eq 16 ] &&
    printf '%s\n' "$answer" | grep -aqE 'hello +1\.0\.0 +[0-9a-f]{16} +[0-9a-f]{16} +hybrid +verified' &&
    printf '%s\n' "$answer" | grep -aqE 'legacy +1\.0\.0 +[0-9a-f]{16} +[0-9a-f]{16} +ed25519 +verified' &&
    printf '%s\n' "$answer" | grep -aqE "hello +1\.0\.0 +$fp16 "
status=$?
check $status "console 'capsules' lists hello 1.0.0 (hybrid) and legacy (Ed25519) with author fingerprint, id, proof and state" "$answer"
printf '%s\n' "$answer" | grep -aqE 'intruder +1\.0\.0 .* refused: trust: author key not in the trust store'
check $? "console 'capsules' shows each refused capsule with its reason" "$answer"

# End this boot with `reboot` (the console suite ends its boot with
# `poweroff`): QEMU runs with -no-reboot, so the reset ends it with status 0.
offset=$(wc -c <"$log")
qemu_type reboot
qemu_status
check "$QEMU_STATUS" "reboot resets the machine (QEMU exits under -no-reboot)" "status $QEMU_STATUS"
answer=$(tail -c +"$((offset + 1))" "$log" | tr -d '\r')
printf '%s\n' "$answer" | grep -aqE '^zerostate: read back [1-9][0-9]* KiB: all zero$'
check $? "reboot runs the ZeroState wipe first and it reads back as zero" "$answer"
