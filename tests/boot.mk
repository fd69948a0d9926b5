# Tests, fuzz targets and figures of the boot area (boot/, tools/image/,
# tests/qemu/):
#   suite 15-boot-elf     host unit tests of the loader's portable parts
#   suite 40-boot-tamper  QEMU boots: the handoff seen by a fake kernel, the
#                         real image verified, tampered kernel and bundle refused
#   fuzz-boot-elf, fuzz-boot-memory-map   libFuzzer targets
#   screenshot            docs/console.png from the real image at the prompt
#   bench-boot            boot time, instructions entry -> prompt, sizes
BOOT_TEST_SRCS := $(BOOT_PORTABLE_SRCS)

$(BUILD)/host-san/tests/boot/boot_test: $(BUILD)/host-san/tests/boot/boot_test.o \
		$(call objs,host-san,$(BOOT_TEST_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

# The checker of the committed bad-map corpus, tests/corpus/boot-memory-map.
$(BUILD)/host-san/tests/boot/memory_map_corpus: $(call objs,host-san,tests/boot/memory_map_corpus.c tests/host/expected_corpus.c \
		tests/boot/memory_map_replay.c boot/memory_map.c)
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/host/tests/boot/elf_corpus_gen: $(BUILD)/host/tests/boot/elf_corpus_gen.o
	$(CC) -pie $^ -o $@

# Regenerates the committed malformed-ELF corpus.
.PHONY: boot-elf-corpus
boot-elf-corpus: $(BUILD)/host/tests/boot/elf_corpus_gen
	rm -f tests/corpus/boot-elf/*.elf
	$< tests/corpus/boot-elf

.PHONY: boot-tests
boot-tests: $(BUILD)/host-san/tests/boot/boot_test $(BUILD)/test/fake-kernel.elf

FUZZ_SECONDS ?= 60
FUZZ_TARGETS += fuzz-boot-elf fuzz-boot-memory-map

$(BUILD)/fuzz/tests/fuzz/fuzz_boot_elf: $(BUILD)/fuzz/tests/fuzz/fuzz_boot_elf.o \
		$(call objs,fuzz,boot/elf_check.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

$(BUILD)/fuzz/tests/fuzz/fuzz_boot_memory_map: $(BUILD)/fuzz/tests/fuzz/fuzz_boot_memory_map.o \
		$(call objs,fuzz,tests/boot/memory_map_replay.c boot/memory_map.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

# The working corpus starts from the committed malformed files and the fake
# kernel (fuzz-boot-elf) or from tests/corpus/boot-memory-map; the committed
# corpus itself is never written.
.PHONY: fuzz-boot-elf fuzz-boot-memory-map
fuzz-boot-elf: $(BUILD)/fuzz/tests/fuzz/fuzz_boot_elf $(BUILD)/test/fake-kernel.elf
	@mkdir -p $(BUILD)/fuzz/corpus/boot-elf
	cp tests/corpus/boot-elf/*.elf $(BUILD)/test/fake-kernel.elf $(BUILD)/fuzz/corpus/boot-elf/
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=65536 $(BUILD)/fuzz/corpus/boot-elf

fuzz-boot-memory-map: $(BUILD)/fuzz/tests/fuzz/fuzz_boot_memory_map
	@mkdir -p $(BUILD)/fuzz/corpus/boot-memory-map
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/boot-memory-map tests/corpus/boot-memory-map

# docs/console.png: the console at the prompt, from the real image.
.PHONY: screenshot
screenshot: $(IMAGE)
	sh tests/qemu/screenshot.sh $(IMAGE) docs/console.png

BENCH_TARGETS += bench-boot
.PHONY: bench-boot
bench-boot: $(IMAGE)
	@BENCH_BOOT_BUNDLE=$(BOOT_STAGED_BUNDLE) sh tests/qemu/bench-boot.sh
