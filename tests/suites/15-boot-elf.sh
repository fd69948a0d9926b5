#!/bin/sh
# Host unit tests of the loader's portable parts under ASan + UBSan
# (tests/boot/boot_test.c): the malformed-ELF corpus with the exact error of
# each file, the real kernel and the loader test's fake kernel accepted and
# loaded byte for byte, the memory map conversion and the page table builder.
set -u
. tests/lib.sh
suite_require clang ld.lld
if ! make -s -j2 build/host-san/tests/boot/boot_test build/test/fake-kernel.elf \
        build/kernel/nonos-kernel.elf; then
    echo "FAIL boot-elf: build failed"
    exit 1
fi
build/host-san/tests/boot/boot_test tests/corpus/boot-elf build/test/fake-kernel.elf \
    build/kernel/nonos-kernel.elf
