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

# Every SDK stub compiles freestanding with the flags capsules are built
# with, and each call is one syscall instruction.
stubs="$scratch/stubs.c"
python3 - "$stubs" <<'PYTHON'
import re, sys
header = open("sdk/include/nonos/syscall.h").read()
calls = []
for name, parameters in re.findall(r"static inline long (nonos_[a-z0-9_]+)\(([^)]*)\)", header):
    if re.match(r"nonos_syscall[0-9]$", name):
        continue
    count = 0 if parameters.strip() == "void" else parameters.count(",") + 1
    calls.append("    total += %s(%s);" % (name, ", ".join(["0"] * count)))
with open(sys.argv[1], "w") as out:
    out.write('#include <nonos/error.h>\n#include <nonos/syscall.h>\n\n')
    out.write("long stubs_call_all(void);\n\nlong stubs_call_all(void)\n{\n    long total = 0;\n")
    out.write("\n".join(calls) + "\n    return total + (nonos_error_message(-1)[0] != 0);\n}\n")

PYTHON
stub_count=$(grep -c 'total += nonos_' "$stubs")
if clang --target=x86_64-unknown-none-elf -std=c17 -O2 -ffreestanding -fno-builtin -fno-pic \
        -fno-pie -mno-red-zone -mgeneral-regs-only -Wall -Wextra -Werror -Isdk/include \
        -c "$stubs" -o "$scratch/stubs.o" &&
    instructions=$(llvm-objdump -d "$scratch/stubs.o" | grep -c "\ssyscall$") &&
    [ "$stub_count" -gt 30 ] && [ "$instructions" -eq "$stub_count" ]; then
    echo "PASS SDK stubs: $stub_count compile freestanding, one syscall instruction each"
else
    echo "FAIL SDK stubs: $stub_count stubs, ${instructions:-no} syscall instructions (or a compile error)"
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
