#!/bin/sh
# Host unit tests of the loader's portable parts under ASan + UBSan
# (tests/boot/boot_test.c): the malformed-ELF corpus with the exact error of
# each file, the real kernel and the loader test's fake kernel accepted and
# loaded byte for byte, the memory map conversion and the page table builder;
# and the memory map conversion's corpus of bad firmware maps, each with its
# exact result (tests/corpus/boot-memory-map, tests/boot/memory_map_corpus.c).
set -u
. tests/lib.sh
suite_require clang ld.lld
if ! make -s -j2 build/host-san/tests/boot/boot_test build/host-san/tests/boot/memory_map_corpus \
        build/test/fake-kernel.elf \
        build/kernel/nonos-kernel.elf; then
    echo "FAIL boot-elf: build failed"
    exit 1
fi
status=0
build/host-san/tests/boot/boot_test tests/corpus/boot-elf build/test/fake-kernel.elf \
    build/kernel/nonos-kernel.elf || status=1
build/host-san/tests/boot/memory_map_corpus --check tests/corpus/boot-memory-map || status=1
exit $status
