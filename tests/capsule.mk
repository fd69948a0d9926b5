# Capsule tests: unit tests and the malformed-input corpora (host-san), and
# the libFuzzer targets for the TOML parser, the canonical decoder, the
# container parser and nonos-capsule's key files.
# lib/crypto/sha256.c: the corpus writes format 3 capsules (SHA-256) to see them refused.
CAPSULE_TEST_LIB_SRCS := $(CAPSULE_SRCS) $(CAPSULE_CRYPTO_SRCS) $(BASE_SRCS) tests/capsule/fixture.c \
                         lib/crypto/sha256.c
CAPSULE_TEST_BIN := $(BUILD)/host-san/tests/capsule

$(CAPSULE_TEST_BIN)/test_capsule: $(call objs,host-san,tests/capsule/test_capsule.c $(CAPSULE_TEST_LIB_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

$(CAPSULE_TEST_BIN)/corpus: $(call objs,host-san,tests/capsule/corpus.c $(CAPSULE_TEST_LIB_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

# nonos-capsule's key-file parsers (tools/capsule/keyfile.c) and their
# corpus, tests/corpus/capsule-keys.
KEYFILE_SRCS := tools/capsule/keyfile.c lib/crypto/crypto.c $(BASE_SRCS)
$(CAPSULE_TEST_BIN)/keyfile_corpus: $(call objs,host-san,tests/capsule/keyfile_corpus.c tests/host/expected_corpus.c $(KEYFILE_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: capsule-tests
capsule-tests: $(CAPSULE_TEST_BIN)/test_capsule $(CAPSULE_TEST_BIN)/corpus $(CAPSULE_TEST_BIN)/keyfile_corpus \
               capsule-kernel-objects

# Fuzzing: make fuzz-toml / fuzz-canonical / fuzz-container
# (FUZZ_SECONDS per target, default 60).
FUZZ_SECONDS ?= 60
CAPSULE_FUZZ_LIB_SRCS := $(CAPSULE_SRCS) $(CAPSULE_CRYPTO_SRCS) $(BASE_SRCS)
CAPSULE_FUZZERS := toml canonical container
# Seeds: the TOML corpus files, and the generated corpus (valid and tampered
# .mod files, canonical manifests) that `corpus --write` saves.
CAPSULE_SEEDS := $(BUILD)/fuzz/capsule-seeds
CAPSULE_SEEDS_toml := tests/corpus/capsule/toml
CAPSULE_SEEDS_canonical := $(CAPSULE_SEEDS)/canonical
CAPSULE_SEEDS_container := $(CAPSULE_SEEDS)/container $(CAPSULE_SEEDS)/bundle

define capsule_fuzzer
$(BUILD)/fuzz/tests/fuzz/fuzz_$(1): $(call objs,fuzz,tests/fuzz/fuzz_$(1).c $(CAPSULE_FUZZ_LIB_SRCS))
	$$(CC) -fsanitize=fuzzer,address,undefined $$^ -o $$@

.PHONY: fuzz-$(1)
fuzz-$(1): $(BUILD)/fuzz/tests/fuzz/fuzz_$(1) $(CAPSULE_TEST_BIN)/corpus
	@mkdir -p $(BUILD)/fuzz/corpus-$(1) $(CAPSULE_SEEDS)
	@$(CAPSULE_TEST_BIN)/corpus --write $(CAPSULE_SEEDS) >/dev/null
	$(BUILD)/fuzz/tests/fuzz/fuzz_$(1) -max_total_time=$$(FUZZ_SECONDS) -max_len=20000 \
	    -timeout=10 $(BUILD)/fuzz/corpus-$(1) $(CAPSULE_SEEDS_$(1))
endef
$(foreach f,$(CAPSULE_FUZZERS),$(eval $(call capsule_fuzzer,$(f))))
FUZZ_TARGETS += fuzz-toml fuzz-canonical fuzz-container

# make fuzz-capsule-keyfile: any bytes as a secret key file, a trust file
# or one public key line (tools/capsule/keyfile.c), seeded by the corpus.
$(BUILD)/fuzz/tests/fuzz/fuzz_capsule_keyfile: $(call objs,fuzz,tests/fuzz/fuzz_capsule_keyfile.c $(KEYFILE_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-capsule-keyfile
fuzz-capsule-keyfile: $(BUILD)/fuzz/tests/fuzz/fuzz_capsule_keyfile
	@mkdir -p $(BUILD)/fuzz/corpus-capsule-keyfile
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus-capsule-keyfile tests/corpus/capsule-keys/secret tests/corpus/capsule-keys/trust

# The capsule boot test image (tests/suites/31-capsule-boot.sh): the real
# kernel with a bundle of good and bad capsules that the suite writes to
# CAPSULE_BOOT_BUNDLE before building this image.
CAPSULE_BOOT_DIR := $(BUILD)/tests/capsule-boot
CAPSULE_BOOT_BUNDLE := $(CAPSULE_BOOT_DIR)/bundle.bin
CAPSULE_BOOT_IMAGE := $(CAPSULE_BOOT_DIR)/capsule-test.img
$(eval $(call boot_image,capsule-test,$(BOOT_KERNEL_ELF),$(CAPSULE_BOOT_BUNDLE),$(CAPSULE_BOOT_IMAGE)))

# make bench-capsule: capsule verification time on the host (against
# b2sum -l 256 + one libsodium Ed25519 verification, + one ML-DSA-65
# verification for the hybrid case) and in the kernel (instructions under
# QEMU -icount), for 4 KiB, 1 MiB and 16 MiB payloads with Ed25519-only
# proofs and a 4 KiB one with a hybrid proof.
CAPSULE_BENCH_DIR := $(BUILD)/bench-capsule
CAPSULE_BENCH_SIZES := 4KiB 4KiB-2 4KiB-hybrid 4KiB-hybrid-2 1MiB 16MiB
$(BUILD)/host/tests/bench/capsule_bench: $(call objs,host,tests/bench/capsule_bench.c $(CAPSULE_SRCS) $(CAPSULE_CRYPTO_SRCS) $(BASE_SRCS))
	$(CC) $^ -lsodium -o $@

$(foreach s,$(CAPSULE_BENCH_SIZES),$(eval $(call boot_image,capsule-bench-$(s),$(BOOT_KERNEL_ELF),$(CAPSULE_BENCH_DIR)/bundle-$(s).bin,$(CAPSULE_BENCH_DIR)/bench-$(s).img)))

BENCH_TARGETS += bench-capsule
.PHONY: bench-capsule
bench-capsule: $(BUILD)/host/tests/bench/capsule_bench $(CAPSULE_TOOL) $(BOOT_KERNEL_ELF)
	@echo "bench-capsule: command: make bench-capsule (host: $(BUILD)/host/tests/bench/capsule_bench," \
		"best of repeated runs; kernel: tests/qemu/bench-capsule.sh, one boot per size" \
		"with -icount shift=0,sleep=off -rtc clock=vm)"
	@sh tests/qemu/bench-capsule.sh
