#!/bin/sh
# Checks of tools/syscall/generate.py, run by suite 16-kernel-host:
#   - the committed generated files are byte for byte what a fresh
#     generation from kernel/syscall/syscalls.txt gives (FAIL names each
#     file that differs: run `make syscalls`);
#   - a minimal good description generates every file;
#   - each planted bad description (tests/syscall/bad/*.txt) is refused
#     with exit status 1, exactly its message of tests/syscall/bad/expected
#     on stderr, and nothing written.
# Prints PASS/FAIL lines; exits 1 on any FAIL.
set -u
status=0
generator=tools/syscall/generate.py
scratch=build/tests/syscall
rm -rf "$scratch" && mkdir -p "$scratch/fresh" "$scratch/good"

files=$(python3 "$generator" --list)
if [ -z "$files" ]; then
    echo "FAIL syscall generator: --list names no file"
    exit 1
fi
if ! python3 "$generator" --output "$scratch/fresh"; then
    echo "FAIL syscall generator: kernel/syscall/syscalls.txt refused"
    exit 1
fi
count=0 differ=0
for file in $files; do
    count=$((count + 1))
    if ! cmp -s "$file" "$scratch/fresh/$file"; then
        echo "FAIL generated file $file differs from a fresh generation (run make syscalls)"
        differ=$((differ + 1))
    fi
done
if [ "$differ" -eq 0 ]; then
    echo "PASS syscall generated files identical to a fresh generation ($count files)"
else
    status=1
fi

if python3 "$generator" --input tests/syscall/good.txt --output "$scratch/good" &&
    [ "$(cd "$scratch/good" && find . -type f | wc -l)" -eq "$count" ]; then
    echo "PASS syscall generator: a minimal good description gives all $count files"
else
    echo "FAIL syscall generator: tests/syscall/good.txt did not give all $count files"
    status=1
fi

checked=0
for bad in tests/syscall/bad/*.txt; do
    expected=$(grep -F "$bad:" tests/syscall/bad/expected)
    if [ -z "$expected" ]; then
        echo "FAIL syscall generator: $bad has no line in tests/syscall/bad/expected"
        status=1
        continue
    fi
    out="$scratch/bad-output"
    rm -rf "$out" && mkdir -p "$out"
    got=$(python3 "$generator" --input "$bad" --output "$out" 2>&1 >/dev/null)
    result=$?
    written=$(find "$out" -type f | wc -l)
    if [ "$result" -ne 1 ] || [ "$got" != "$expected" ] || [ "$written" -ne 0 ]; then
        echo "FAIL syscall generator refuses $bad: exit $result, $written files written, said: $got"
        status=1
    else
        checked=$((checked + 1))
    fi
done
lines=$(grep -c '^tests/' tests/syscall/bad/expected)
if [ "$checked" -gt 0 ] && [ "$checked" -eq "$lines" ]; then
    echo "PASS syscall generator refuses $checked bad descriptions with their exact messages"
else
    echo "FAIL syscall generator: $checked of $lines bad descriptions refused as expected"
    status=1
fi
exit $status
